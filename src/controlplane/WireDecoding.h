#pragma once

// The wire format of the control plane, kept apart from the network code so that every
// decoder can be fed arbitrary bytes (tests, fuzzing) without a server. Nothing here throws,
// whatever the input.

#include "ApiClient.h"
#include "ApiError.h"
#include "users/User.h"

#include <QByteArray>
#include <QDateTime>
#include <QNetworkReply>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

namespace zenml::controlplane {

// What the client keeps of a finished reply: enough to judge it without the QNetworkReply.
struct ReplySnapshot
{
    int httpStatus = 0; // 0 when no HTTP answer arrived
    QByteArray contentType; // the Content-Type header as sent
    QByteArray retryAfter; // the Retry-After header as sent
    QByteArray body;
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString networkErrorText; // Qt's description; scrubbed of secrets by the caller
    QStringList tlsErrors;
    bool timedOut = false; // aborted by the client's transfer timeout
    int timeoutSeconds = 0;
    bool tooLarge = false; // aborted because the body passed maxBodyBytes
    qint64 maxBodyBytes = 0;
    QString server; // "host:port", for messages
    QString scheme; // of the request: "https" or "http"
    // Where a redirect that was not followed pointed: scheme, host and port only (never a
    // path or query, which could carry anything).
    QString redirectOrigin;
};

// The bytes unchanged when they are valid UTF-8 (no copy); otherwise a copy in which every
// ill-formed sequence became U+FFFD, as QString::fromUtf8 would read it. A server's stray
// byte in one field then costs that field a character, not the whole answer.
QByteArray toValidUtf8(const QByteArray& bytes);

// A Retry-After header in seconds (delta-seconds or an HTTP date), clamped to a day;
// nothing when the header is missing or unreadable.
std::optional<int> parseRetryAfter(const QByteArray& header);

// True for application/json and any +json type, whatever the parameters.
bool isJsonContentType(const QByteArray& contentTypeHeader);

// The error a reply stands for. A 2xx reply without a transport error gives an ApiError of
// kind None: its body is judged by parseJsonAnswer() and the decoders.
ApiError errorFromReply(const ReplySnapshot& reply);

// A Malformed error: "The server's answer could not be read: <problem>".
ApiError malformedAnswer(int httpStatus, const QString& problem);

// For a successful reply whose body must be JSON: checks the content type first and only
// then parses. On failure returns nothing and fills *error with a Malformed error.
std::optional<nlohmann::json> parseJsonAnswer(const ReplySnapshot& reply, ApiError* error);
// Only the content-type half of parseJsonAnswer(), for a body parsed elsewhere (a page of
// users is parsed on a worker thread).
bool checkJsonContentType(const ReplySnapshot& reply, ApiError* error);

// A user object, read tolerantly: missing, null and wrongly typed fields become defaults,
// unknown fields are ignored. An id that is not a string or an integer stays empty.
users::User decodeUser(const nlohmann::json& object);

// One user object as a whole answer; an answer without an id is not a user.
std::optional<users::User> decodeUserAnswer(const nlohmann::json& document, QString* problem);

struct UserPage
{
    users::UserList users; // the decodable entries, in server order
    qsizetype itemCount = 0; // entries on the page, decodable or not: paging counts these
    std::optional<qint64> total; // from an envelope's "total", when present
};

// A page of GET /users: a bare array, or an object envelope with "items" and optional
// "total". Entries that are not objects with an id are skipped (and counted in itemCount).
std::optional<UserPage> decodeUserPage(const nlohmann::json& document, QString* problem);
// The same from raw bytes (no content-type check). Thread-safe: UserListJob decodes pages on
// worker threads.
std::optional<UserPage> decodeUserPage(const QByteArray& body, QString* problem);

std::optional<LoginResult> decodeLoginAnswer(
    const nlohmann::json& document, const QDateTime& receivedAt, QString* problem);

// The person-readable part of a FastAPI error body: "detail" as a string, as a
// ["ExceptionName", "message"] pair, or as a 422 list of {loc, msg, type}. Empty if none.
QString detailMessage(const nlohmann::json& errorBody);

// A short, single-line excerpt of a non-JSON body, tags stripped from HTML.
QString textExcerpt(const QByteArray& body, int maxChars = 120);

// "Bad Gateway" for 502; empty for a status without a standard phrase.
QString reasonPhrase(int httpStatus);

// application/x-www-form-urlencoded, every value percent-encoded so that any character
// (including '+', '&', '=', '%' and spaces) reaches the server unchanged.
QByteArray encodeForm(const QList<std::pair<QString, QString>>& fields);

// The URL of an endpoint below the API root. `encodedPath` and `encodedQuery` are already
// percent-encoded (see encodePathSegment and encodeForm) and are kept byte for byte.
QUrl endpointUrl(
    const QUrl& apiRoot, const QByteArray& encodedPath, const QByteArray& encodedQuery = {});
QByteArray encodePathSegment(const QString& segment);

// Replaces every occurrence of a secret (plain or percent-encoded) in a text meant for a
// person or a log. Secrets shorter than three characters are left alone: masking them would
// garble ordinary words.
QString scrubSecrets(QString text, const QStringList& secrets);

} // namespace zenml::controlplane
