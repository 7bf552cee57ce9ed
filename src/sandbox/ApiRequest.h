#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace zenml::sandbox {

// What the control plane needs of an HTTP request, independent of the HTTP server.
struct ApiRequest
{
    QByteArray method; // "GET", "POST", ...
    QStringList segments; // percent-decoded path segments, e.g. {"api", "v1", "users", "me"}
    QByteArray query; // the raw (still encoded) query string
    QByteArray contentType;
    QByteArray authorization;
    QByteArray body;
    QByteArray target; // the path and query as sent, still encoded
    QHostAddress peer; // the client's address

    // The decoded pairs of an application/x-www-form-urlencoded text (a query string or a
    // form body): '+' is a space, then percent-decoding as UTF-8, as HTML forms and
    // Starlette do; so any password (&, +, =, %, spaces, non-ASCII) survives exactly.
    static QList<QPair<QString, QString>> decodeForm(const QByteArray& encoded);
    static std::optional<QString> value(
        const QList<QPair<QString, QString>>& pairs, const QString& key);

    static QStringList splitPath(const QByteArray& encodedPath);
};

} // namespace zenml::sandbox
