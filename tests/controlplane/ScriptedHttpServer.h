#pragma once

// A tiny HTTP/1.1 server on loopback that answers from a script, for the answers a real
// control plane does not give on demand (a proxy's HTML page, a stalled transfer). Real
// sockets and real HTTP: the client under test cannot tell it from a server.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <functional>
#include <memory>

struct RecordedRequest
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;
};

struct CannedResponse
{
    int status = 200;
    QByteArray reason = "OK";
    QByteArray contentType = "application/json";
    QByteArray body;
    bool silent = false; // never answer: the connection stays open and idle

    static CannedResponse json(int status, const QByteArray& reason, const QByteArray& body)
    {
        return { status, reason, "application/json", body, false };
    }
};

class ScriptedHttpServer final : public QTcpServer
{
public:
    // Chooses the answer to each request; by default the script is played in order and its
    // last entry repeats.
    std::function<CannedResponse(const RecordedRequest&)> responder;
    QList<CannedResponse> script;
    QList<RecordedRequest> requests;

    explicit ScriptedHttpServer(QObject* parent = nullptr)
        : QTcpServer(parent)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection())
                serve(socket);
        });
    }

    bool start() { return listen(QHostAddress::LocalHost, 0); }

    QUrl apiRoot() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1").arg(serverPort()));
    }

private:
    void serve(QTcpSocket* socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            while (true) {
                const qsizetype headerEnd = buffer->indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                RecordedRequest request;
                const QList<QByteArray> lines = buffer->left(headerEnd).split('\n');
                const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                request.method = first.value(0);
                request.target = first.value(1);
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines.at(i).indexOf(':');
                    if (colon > 0) {
                        request.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                            lines.at(i).mid(colon + 1).trimmed());
                    }
                }
                const qsizetype length = request.headers.value("content-length").toLongLong();
                if (buffer->size() < headerEnd + 4 + length)
                    return;
                request.body = buffer->mid(headerEnd + 4, length);
                buffer->remove(0, headerEnd + 4 + length);
                answer(socket, request);
            }
        });
    }

    void answer(QTcpSocket* socket, const RecordedRequest& request)
    {
        const qsizetype index = requests.size();
        requests.append(request);
        CannedResponse response;
        if (responder)
            response = responder(request);
        else if (!script.isEmpty())
            response = script.value(index, script.constLast());
        if (response.silent)
            return;
        QByteArray out
            = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + response.reason + "\r\n";
        if (!response.contentType.isEmpty())
            out += "Content-Type: " + response.contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n";
        out += response.body;
        socket->write(out);
    }
};
