#include "sandbox/HttpFrontend.h"

#include "sandbox/SandboxLog.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace zenml::sandbox {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Connect:
        return QByteArrayLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace:
        return QByteArrayLiteral("TRACE");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

QByteArray header(const QHttpServerRequest& request, const QByteArray& name)
{
    const auto headers = request.headers();
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

QHttpServerResponse toHttp(const ApiResponse& answer)
{
    QHttpServerResponse response(answer.contentType, answer.body,
        static_cast<QHttpServerResponse::StatusCode>(answer.status));
    for (const auto& [name, value] : answer.headers)
        response.setHeader(name, value);
    return response;
}

} // namespace

HttpFrontend::HttpFrontend(Handler handler, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
{ }

bool HttpFrontend::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    QElapsedTimer timer;
    timer.start();

    ApiRequest apiRequest;
    apiRequest.method = methodName(request.method());
    const QUrl url = request.url();
    apiRequest.segments = ApiRequest::splitPath(url.path(QUrl::FullyEncoded).toUtf8());
    apiRequest.query = url.query(QUrl::FullyEncoded).toUtf8();
    apiRequest.contentType = header(request, QByteArrayLiteral("Content-Type"));
    apiRequest.authorization = header(request, QByteArrayLiteral("Authorization"));
    apiRequest.body = request.body();

    const ApiResponse answer = m_handler(apiRequest);

    if (answer.delayMs > 0) {
        // A client that gives up meanwhile takes its socket away: write only if it is still there.
        auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
        QTimer::singleShot(
            answer.delayMs, this, [responder, answer, guard = QPointer<QTcpSocket>(socket)] {
                if (guard)
                    toHttp(answer).write(std::move(*responder));
            });
    } else {
        toHttp(answer).write(makeResponder(request, socket));
    }

    // The path only: query strings carry passwords (POST /users).
    qCDebug(lcSandbox).noquote() << apiRequest.method << url.path() << "->" << answer.status << "in"
                                 << timer.elapsed() << "ms";
    return true;
}

void HttpFrontend::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    // handleRequest() answers everything; this is only here because the base class needs it.
    QHttpServerResponse response(QByteArrayLiteral("application/json"),
        QByteArrayLiteral("{\"detail\":\"Not Found\"}"), QHttpServerResponse::StatusCode::NotFound);
    response.write(makeResponder(request, socket));
}

} // namespace zenml::sandbox
