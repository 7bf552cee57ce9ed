#pragma once

#include <QMetaType>
#include <QString>

namespace zenml::controlplane {

// Every failure the client can meet, as a value. `message` is fit to show a person and
// never holds a secret.
struct ApiError
{
    enum class Kind
    {
        None,
        Network, // no connection, DNS, connection dropped, timeout
        Tls, // certificate or handshake problem
        Unauthorized, // 401
        Forbidden, // 403
        NotFound, // 404
        Conflict, // 409
        Validation, // 400, 422
        RateLimited, // 429
        Server, // 5xx, or any other unexpected status
        Malformed, // a 2xx answer whose body is not what the contract says
        Cancelled, // aborted by the program
    };

    Kind kind = Kind::None;
    int httpStatus = 0; // 0 when no HTTP answer arrived
    QString message;
    int retryAfterSeconds = 0; // from a 429's Retry-After, 0 when the server did not say

    bool isError() const { return kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    static QString kindName(Kind kind);
};

} // namespace zenml::controlplane

Q_DECLARE_METATYPE(zenml::controlplane::ApiError)
