#pragma once

// A small blocking-looking HTTP client for the sandbox tests: each call sends one request
// with QNetworkAccessManager and waits on the reply's finished signal with QSignalSpy.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

namespace zenml::sandbox::test {

struct HttpResult
{
    int status = 0; // 0: no answer at all
    QByteArray body;
    QByteArray contentType;
    QList<QNetworkReply::RawHeaderPair> headers;

    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QJsonObject object() const { return json().object(); }
    QJsonArray array() const { return json().array(); }
    QString detail() const { return object().value(QStringLiteral("detail")).toString(); }
    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return QByteArray();
    }
};

// Encodes pairs the strict way: everything but unreserved characters is percent-encoded,
// so '+', '&', '=', '%' and non-ASCII reach the server as themselves.
inline QByteArray formEncode(const QList<QPair<QString, QString>>& pairs)
{
    QByteArray encoded;
    for (const auto& [key, value] : pairs) {
        if (!encoded.isEmpty())
            encoded += '&';
        encoded += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return encoded;
}

class SandboxHttpClient final
{
public:
    explicit SandboxHttpClient(QUrl apiRoot)
        : m_apiRoot(std::move(apiRoot))
    { }

    // path is relative to the API root ("/users/me"); query is already encoded.
    HttpResult send(const QByteArray& verb, const QString& path, const QString& token = {},
        const QByteArray& query = {}, const QByteArray& body = {},
        const QByteArray& contentType = {})
    {
        QUrl url = m_apiRoot;
        url.setPath(m_apiRoot.path() + path);
        if (!query.isEmpty())
            url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
        QNetworkRequest request(url);
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        if (!contentType.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);

        std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, verb, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);

        HttpResult result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        result.headers = reply->rawHeaderPairs();
        return result;
    }

    HttpResult get(const QString& path, const QString& token, const QByteArray& query = {})
    {
        return send("GET", path, token, query);
    }

    HttpResult login(const QString& username, const QString& password,
        const QList<QPair<QString, QString>>& extra = {})
    {
        QList<QPair<QString, QString>> form = { { QStringLiteral("username"), username },
            { QStringLiteral("password"), password } };
        form += extra;
        return send("POST", QStringLiteral("/auth/login"), {}, {}, formEncode(form),
            "application/x-www-form-urlencoded");
    }

    // The access token of a successful login, or an empty string.
    QString token(const QString& username, const QString& password)
    {
        const HttpResult result = login(username, password);
        return result.status == 200
            ? result.object().value(QStringLiteral("access_token")).toString()
            : QString();
    }

    HttpResult createUser(const QString& token, const QString& username, const QString& password,
        const QString& isSuperuser = {})
    {
        QList<QPair<QString, QString>> query = { { QStringLiteral("username"), username },
            { QStringLiteral("password"), password } };
        if (!isSuperuser.isEmpty())
            query.append({ QStringLiteral("is_superuser"), isSuperuser });
        return send("POST", QStringLiteral("/users"), token, formEncode(query));
    }

    HttpResult patch(const QString& path, const QString& token, const QJsonObject& body)
    {
        return send("PATCH", path, token, {}, QJsonDocument(body).toJson(QJsonDocument::Compact),
            "application/json");
    }

    HttpResult patchRaw(const QString& path, const QString& token, const QByteArray& body)
    {
        return send("PATCH", path, token, {}, body, "application/json");
    }

    HttpResult remove(const QString& path, const QString& token)
    {
        return send("DELETE", path, token);
    }

private:
    QNetworkAccessManager m_network;
    QUrl m_apiRoot;
};

} // namespace zenml::sandbox::test
