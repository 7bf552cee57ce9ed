#include "sandbox/HttpFrontend.h"

#include "sandbox/SandboxFault.h"
#include "sandbox/SandboxLog.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
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

// Writes an answer byte by byte, for the faults an HTTP server library never makes: a
// connection closed halfway, a body of many megabytes streamed as the socket drains, a body
// sent in slow pieces. The connection is closed at the end, so no framing is left to guess.
class RawAnswerWriter final : public QObject
{
public:
    RawAnswerWriter(QTcpSocket* socket, ApiResponse answer)
        : QObject(socket)
        , m_socket(socket)
        , m_answer(std::move(answer))
    {
        if (m_answer.hugeBytes > 0) {
            m_hugeCount = std::max<qint64>(1, (m_answer.hugeBytes - 1) / (kHugeWidth + 1));
            m_total = m_hugeCount * (kHugeWidth + 1) + 1;
        } else {
            m_total = m_answer.body.size();
        }
        switch (m_answer.drop) {
        case SandboxFault::Drop::BeforeStatus:
        case SandboxFault::Drop::BeforeBody:
            m_stopAt = 0;
            break;
        case SandboxFault::Drop::MidBody:
            m_stopAt = m_total / 2;
            break;
        case SandboxFault::Drop::None:
            m_stopAt = m_total;
            break;
        }
    }

    void start()
    {
        if (m_answer.drop == SandboxFault::Drop::BeforeStatus) {
            m_socket->disconnectFromHost();
            return;
        }
        m_socket->write(head());
        if (m_answer.trickleMs > 0) {
            auto* timer = new QTimer(this);
            timer->setInterval(m_answer.trickleMs);
            const qint64 piece = std::max<qint64>(1, (m_stopAt + 7) / 8);
            connect(timer, &QTimer::timeout, this, [this, piece] { writeUpTo(m_sent + piece); });
            timer->start();
            writeUpTo(std::min(m_stopAt, piece));
            return;
        }
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] { pump(); });
        pump();
    }

private:
    static constexpr qint64 kHugeWidth = 200; // bytes per generated user object
    static constexpr qint64 kChunk = 256 * 1024;

    QByteArray head() const
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(m_answer.status) + ' '
            + statusReason(m_answer.status) + "\r\n";
        if (!m_answer.contentType.isEmpty())
            out += "Content-Type: " + m_answer.contentType + "\r\n";
        if (m_answer.announceLength)
            out += "Content-Length: " + QByteArray::number(m_total) + "\r\n";
        for (const auto& [name, value] : m_answer.headers)
            out += name + ": " + value + "\r\n";
        out += "Connection: close\r\n\r\n";
        return out;
    }

    // Keeps about a megabyte queued: a client that stops reading stops the generation too.
    void pump()
    {
        while (m_sent < m_stopAt && m_socket->bytesToWrite() < 4 * kChunk)
            writeUpTo(m_sent + kChunk);
        if (m_sent >= m_stopAt)
            writeUpTo(m_sent); // closes
    }

    void writeUpTo(qint64 end)
    {
        end = std::min(end, m_stopAt);
        if (end > m_sent) {
            const QByteArray bytes = m_answer.hugeBytes > 0
                ? hugeBytes(end - m_sent)
                : m_answer.body.mid(m_sent, end - m_sent);
            m_socket->write(bytes);
            m_sent += bytes.size();
        }
        if (m_sent >= m_stopAt && !m_closing) {
            m_closing = true;
            for (QTimer* timer : findChildren<QTimer*>())
                timer->stop();
            m_socket->disconnectFromHost();
        }
    }

    // The next `size` bytes of "[{user},{user},...]", every user object kHugeWidth bytes.
    QByteArray hugeBytes(qint64 size)
    {
        while (m_pending.size() < size && m_nextElement < m_hugeCount) {
            if (m_nextElement == 0)
                m_pending += '[';
            else
                m_pending += ',';
            const QByteArray number = QByteArray::number(m_nextElement).rightJustified(10, '0');
            QByteArray element = "{\"id\":\"huge-" + number + "\",\"username\":\"huge-" + number
                + "\",\"is_active\":true,\"name\":\"";
            element += QByteArray(kHugeWidth - element.size() - 2, 'x');
            element += "\"}";
            m_pending += element;
            if (++m_nextElement == m_hugeCount)
                m_pending += ']';
        }
        const QByteArray out = m_pending.left(size);
        m_pending.remove(0, out.size());
        return out;
    }

    QTcpSocket* m_socket;
    ApiResponse m_answer;
    qint64 m_total = 0;
    qint64 m_stopAt = 0;
    qint64 m_sent = 0;
    qint64 m_hugeCount = 0;
    qint64 m_nextElement = 0;
    QByteArray m_pending;
    bool m_closing = false;
};

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
    apiRequest.target = url.path(QUrl::FullyEncoded).toUtf8();
    if (url.hasQuery())
        apiRequest.target += '?' + apiRequest.query;
    apiRequest.peer = socket->peerAddress();

    const ApiResponse answer = m_handler(apiRequest);

    if (answer.isRaw()) {
        // Later, from the event loop: the HTTP server is still inside this request now. The
        // socket is the timer's context, so a client that left cancels it.
        QTimer::singleShot(answer.delayMs, socket,
            [socket, answer] { (new RawAnswerWriter(socket, answer))->start(); });
    } else if (answer.delayMs > 0) {
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
