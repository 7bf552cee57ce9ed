#include "WireDecoding.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>
#include <limits>
#include <string_view>

namespace zenml::controlplane {

namespace {

using nlohmann::json;

constexpr int kMaxDetailChars = 300;

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("zenml::controlplane", text, disambiguation, n);
}

QString fromUtf8(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString stringField(const json& object, const char* key)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return {};
    return fromUtf8(it->get_ref<const json::string_t&>());
}

bool boolField(const json& object, const char* key, bool fallback)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_boolean())
        return fallback;
    return it->get<bool>();
}

// Ids are opaque strings. An integer id is taken digit for digit; a float id is refused,
// because its text would depend on how the parser rounded it.
QString idField(const json& object, const char* key)
{
    const auto it = object.find(key);
    if (it == object.end())
        return {};
    if (it->is_string())
        return fromUtf8(it->get_ref<const json::string_t&>());
    if (it->is_number_unsigned())
        return QString::number(it->get<json::number_unsigned_t>());
    if (it->is_number_integer())
        return QString::number(it->get<json::number_integer_t>());
    return {};
}

// One line, no control characters, at most `maxChars` characters.
QString tidy(const QString& text, int maxChars)
{
    QString out;
    out.reserve(std::min<qsizetype>(text.size(), maxChars + 1));
    bool pendingSpace = false;
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control) {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (pendingSpace)
            out += QLatin1Char(' ');
        pendingSpace = false;
        out += c;
        if (out.size() > maxChars)
            break;
    }
    if (out.size() > maxChars) {
        out.truncate(maxChars - 1);
        // Never half of a surrogate pair: the text would no longer be valid UTF-16.
        if (!out.isEmpty() && out.back().isHighSurrogate())
            out.chop(1);
        out += QChar(0x2026); // …
    }
    return out;
}

QString locationText(const json& loc)
{
    if (!loc.is_array())
        return {};
    static const QStringList kSources
        = { QStringLiteral("body"), QStringLiteral("query"), QStringLiteral("path"),
              QStringLiteral("header"), QStringLiteral("cookie"), QStringLiteral("form") };
    QStringList parts;
    for (const json& part : loc) {
        if (part.is_string())
            parts << fromUtf8(part.get_ref<const json::string_t&>());
        else if (part.is_number_integer())
            parts << QString::number(part.get<json::number_integer_t>());
    }
    // "body" or "query" says where FastAPI looked, which means nothing to a person.
    if (parts.size() > 1 && kSources.contains(parts.first()))
        parts.removeFirst();
    return parts.join(QLatin1Char('.'));
}

QString validationListText(const json& list)
{
    constexpr int kShown = 5;
    QStringList lines;
    int skipped = 0;
    for (const json& entry : list) {
        if (!entry.is_object())
            continue;
        const QString message = stringField(entry, "msg");
        if (message.isEmpty())
            continue;
        if (lines.size() == kShown) {
            ++skipped;
            continue;
        }
        const auto loc = entry.find("loc");
        const QString where = loc == entry.end() ? QString() : locationText(*loc);
        lines << (where.isEmpty() ? message : where + QStringLiteral(": ") + message);
    }
    QString text = lines.join(QStringLiteral("; "));
    if (skipped > 0)
        text += tr(" (and %n more)", nullptr, skipped);
    return text;
}

QString excerptOf(const ReplySnapshot& reply)
{
    // An error body that claims to be JSON but is not is shown as text, like any other.
    return textExcerpt(reply.body);
}

QString statusText(int status)
{
    const QString phrase = reasonPhrase(status);
    return phrase.isEmpty() ? QString::number(status)
                            : QString::number(status) + QLatin1Char(' ') + phrase;
}

ApiError::Kind kindForStatus(int status)
{
    switch (status) {
    case 400:
    case 422:
        return ApiError::Kind::Validation;
    case 401:
        return ApiError::Kind::Unauthorized;
    case 403:
        return ApiError::Kind::Forbidden;
    case 404:
        return ApiError::Kind::NotFound;
    case 409:
        return ApiError::Kind::Conflict;
    case 429:
        return ApiError::Kind::RateLimited;
    default:
        return ApiError::Kind::Server;
    }
}

// Qt's error texts may quote the URL, whose query can carry a password (POST /users).
QString withoutQueries(QString text)
{
    static const QRegularExpression query(QStringLiteral("\\?\\S*"));
    text.replace(query, QString());
    return text;
}

// Only redirects within the same origin are followed: a token or a password must never travel
// to another server, nor over plain http.
QString redirectMessage(const ReplySnapshot& reply, const QString& server)
{
    if (reply.scheme == QLatin1String("https")
        && reply.redirectOrigin.startsWith(QLatin1String("http:"))) {
        return tr("%1 redirected the request from https to unencrypted http. It was not "
                  "followed, so nothing was sent without encryption.")
            .arg(server);
    }
    if (!reply.redirectOrigin.isEmpty()
        && !reply.redirectOrigin.endsWith(QStringLiteral("://") + reply.server)) {
        return tr("%1 redirected the request to another server (%2). It was not followed, so "
                  "no credentials were sent there. Check the server address.")
            .arg(server, tidy(reply.redirectOrigin, 100));
    }
    return tr("%1 redirected the request (%2), and the redirect was not followed.")
        .arg(server, statusText(reply.httpStatus));
}

ApiError networkError(const ReplySnapshot& reply)
{
    ApiError error;
    error.kind = ApiError::Kind::Network;
    error.httpStatus = reply.httpStatus;
    const QString server = reply.server.isEmpty() ? tr("the server") : reply.server;

    if (reply.timedOut) {
        error.message = tr("The request timed out: %1 sent nothing for %n second(s).", nullptr,
            reply.timeoutSeconds)
                            .arg(server);
        return error;
    }
    if (!reply.tlsErrors.isEmpty()
        || reply.networkError == QNetworkReply::SslHandshakeFailedError) {
        error.kind = ApiError::Kind::Tls;
        const QString why = reply.tlsErrors.isEmpty() ? withoutQueries(reply.networkErrorText)
                                                      : reply.tlsErrors.join(QStringLiteral("; "));
        error.message = tr("The secure connection to %1 could not be established: %2")
                            .arg(server, tidy(why, kMaxDetailChars));
        return error;
    }

    switch (reply.networkError) {
    case QNetworkReply::OperationCanceledError:
        error.kind = ApiError::Kind::Cancelled;
        error.message = tr("The request was cancelled.");
        break;
    case QNetworkReply::ConnectionRefusedError:
        error.message = tr("%1 refused the connection. Check the address and that the server is "
                           "running.")
                            .arg(server);
        break;
    case QNetworkReply::HostNotFoundError:
        error.message = tr("The server %1 was not found. Check the address.").arg(server);
        break;
    case QNetworkReply::RemoteHostClosedError:
        error.message = reply.httpStatus == 0
            ? tr("%1 closed the connection before answering.").arg(server)
            : tr("%1 closed the connection in the middle of its answer.").arg(server);
        break;
    case QNetworkReply::TimeoutError:
        error.message = tr("The connection to %1 timed out.").arg(server);
        break;
    case QNetworkReply::TooManyRedirectsError:
        error.message = tr("%1 redirected the request too many times.").arg(server);
        break;
    case QNetworkReply::InsecureRedirectError:
        error.message = redirectMessage(reply, server);
        break;
    case QNetworkReply::NoError:
        error.kind = ApiError::Kind::Malformed;
        error.message = tr("%1 sent an answer without an HTTP status.").arg(server);
        break;
    default:
        error.message
            = tr("Could not reach %1: %2")
                  .arg(server, tidy(withoutQueries(reply.networkErrorText), kMaxDetailChars));
        break;
    }
    return error;
}

} // namespace

QByteArray toValidUtf8(const QByteArray& bytes)
{
    // The output is only built from the first ill-formed byte on; valid input is returned
    // as it is. The rules are Unicode's "maximal subpart" ones (as in QString::fromUtf8 and
    // the WHATWG decoder): each broken sequence becomes one U+FFFD.
    static const QByteArray replacement = QByteArrayLiteral("\xEF\xBF\xBD");
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype size = bytes.size();
    QByteArray out;
    bool copying = false;
    qsizetype i = 0;
    while (i < size) {
        const unsigned char lead = data[i];
        if (lead < 0x80) {
            if (copying)
                out += char(lead);
            ++i;
            continue;
        }
        int length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0)
                low = 0xA0; // no overlong forms
            else if (lead == 0xED)
                high = 0x9F; // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0)
                low = 0x90;
            else if (lead == 0xF4)
                high = 0x8F; // nothing above U+10FFFF
        }
        int valid = length == 0 ? 0 : 1;
        if (length > 0 && i + 1 < size && data[i + 1] >= low && data[i + 1] <= high) {
            valid = 2;
            while (valid < length && i + valid < size && data[i + valid] >= 0x80
                && data[i + valid] <= 0xBF)
                ++valid;
        }
        if (length > 0 && valid == length) {
            if (copying)
                out.append(bytes.constData() + i, length);
            i += length;
            continue;
        }
        if (!copying) {
            copying = true;
            out.reserve(size + 16);
            out.append(bytes.constData(), i);
        }
        out += replacement;
        i += std::max(valid, 1);
    }
    return copying ? out : bytes;
}

std::optional<int> parseRetryAfter(const QByteArray& header)
{
    const QByteArray value = header.trimmed();
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qlonglong seconds = value.toLongLong(&ok);
    if (ok)
        return int(std::clamp<qlonglong>(seconds, 0, 24 * 3600));
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().secsTo(when), 0, 24 * 3600));
}

ApiError malformedAnswer(int httpStatus, const QString& problem)
{
    ApiError error;
    error.kind = ApiError::Kind::Malformed;
    error.httpStatus = httpStatus;
    error.message = tr("The server's answer could not be read: %1").arg(problem);
    return error;
}

bool isJsonContentType(const QByteArray& contentTypeHeader)
{
    const QByteArray type = contentTypeHeader.split(';').constFirst().trimmed().toLower();
    return type == "application/json"
        || (type.startsWith("application/") && type.endsWith("+json"));
}

ApiError errorFromReply(const ReplySnapshot& reply)
{
    const int status = reply.httpStatus;
    const bool success = status >= 200 && status < 300;

    if (reply.tooLarge) {
        ApiError error;
        error.kind = ApiError::Kind::Malformed;
        error.httpStatus = status;
        error.message = tr("The server's answer was too large (more than %1 MB) and was not read.")
                            .arg(std::max<qint64>(1, reply.maxBodyBytes / (1024 * 1024)));
        return error;
    }

    // A transport failure counts even after a 2xx status line: the body is then incomplete.
    if (reply.timedOut || status == 0 || (success && reply.networkError != QNetworkReply::NoError))
        return networkError(reply);
    if (success)
        return {};

    ApiError error;
    error.kind = kindForStatus(status);
    error.httpStatus = status;
    // A redirect that was not followed (another origin, or a loop): say where it pointed.
    if (status >= 300 && status < 400 && !reply.redirectOrigin.isEmpty()) {
        error.message
            = redirectMessage(reply, reply.server.isEmpty() ? tr("The server") : reply.server);
        return error;
    }
    if (error.kind == ApiError::Kind::RateLimited)
        error.retryAfterSeconds = parseRetryAfter(reply.retryAfter).value_or(0);

    // Only a body that says it is JSON goes to the parser: proxies answer with HTML pages.
    QString detail;
    if (isJsonContentType(reply.contentType)) {
        const QByteArray text = toValidUtf8(reply.body);
        const json document = json::parse(text.cbegin(), text.cend(), nullptr,
            /*allow_exceptions=*/false);
        if (!document.is_discarded())
            detail = detailMessage(document);
    }

    if (!detail.isEmpty() && error.kind != ApiError::Kind::Server) {
        error.message = detail;
    } else {
        const QString excerpt = detail.isEmpty() ? excerptOf(reply) : detail;
        error.message = excerpt.isEmpty()
            ? tr("The server answered %1.").arg(statusText(status))
            : tr("The server answered %1: %2").arg(statusText(status), excerpt);
    }
    if (error.retryAfterSeconds > 0) {
        error.message += QLatin1Char(' ')
            + tr("Try again in %n second(s).", nullptr, error.retryAfterSeconds);
    }
    return error;
}

bool checkJsonContentType(const ReplySnapshot& reply, ApiError* error)
{
    if (isJsonContentType(reply.contentType))
        return true;
    const QString type = reply.contentType.isEmpty()
        ? tr("no content type")
        : tidy(QString::fromLatin1(reply.contentType.split(';').constFirst()), 60);
    const QString excerpt = textExcerpt(reply.body);
    if (error) {
        *error = malformedAnswer(reply.httpStatus,
            excerpt.isEmpty() ? tr("expected JSON, got %1.").arg(type)
                              : tr("expected JSON, got %1: %2").arg(type, excerpt));
    }
    return false;
}

std::optional<nlohmann::json> parseJsonAnswer(const ReplySnapshot& reply, ApiError* error)
{
    if (!checkJsonContentType(reply, error))
        return std::nullopt;
    const QByteArray text = toValidUtf8(reply.body);
    json document = json::parse(text.cbegin(), text.cend(), nullptr,
        /*allow_exceptions=*/false);
    if (document.is_discarded()) {
        if (error) {
            *error = malformedAnswer(
                reply.httpStatus, tr("it is not valid JSON (it may have been cut off)."));
        }
        return std::nullopt;
    }
    return document;
}

users::User decodeUser(const json& object)
{
    users::User user;
    if (!object.is_object())
        return user;
    user.id = idField(object, "id");
    user.username = stringField(object, "username");
    user.name = stringField(object, "name");
    user.email = stringField(object, "email");
    user.oauthProvider = stringField(object, "oauth_provider");
    user.oauthId = idField(object, "oauth_id");
    user.isActive = boolField(object, "is_active", true);
    user.isSuperuser = boolField(object, "is_superuser", false);
    user.isServiceAccount = boolField(object, "is_service_account", false);
    user.passwordExpired = boolField(object, "password_expired", false);
    return user;
}

std::optional<users::User> decodeUserAnswer(const json& document, QString* problem)
{
    if (!document.is_object()) {
        if (problem)
            *problem = tr("expected a user object.");
        return std::nullopt;
    }
    users::User user = decodeUser(document);
    if (user.id.isEmpty()) {
        if (problem)
            *problem = tr("the user object has no id.");
        return std::nullopt;
    }
    return user;
}

std::optional<UserPage> decodeUserPage(const json& document, QString* problem)
{
    const json* items = nullptr;
    UserPage page;
    if (document.is_array()) {
        items = &document;
    } else if (document.is_object()) {
        const auto it = document.find("items");
        if (it != document.end() && it->is_array())
            items = &*it;
        const auto total = document.find("total");
        if (total != document.end()) {
            if (total->is_number_unsigned()) {
                page.total = qint64(
                    std::min<json::number_unsigned_t>(total->get<json::number_unsigned_t>(),
                        json::number_unsigned_t(std::numeric_limits<qint64>::max())));
            } else if (total->is_number_integer() && total->get<json::number_integer_t>() >= 0) {
                page.total = total->get<json::number_integer_t>();
            }
        }
    }
    if (!items) {
        if (problem)
            *problem = tr("expected a list of users.");
        return std::nullopt;
    }

    page.itemCount = qsizetype(items->size());
    page.users.reserve(page.itemCount);
    for (const json& item : *items) {
        users::User user = decodeUser(item);
        if (!user.id.isEmpty())
            page.users.append(std::move(user));
    }
    return page;
}

namespace {

// decodeUserPage() without the document: the page is read as the parser goes, straight into
// Users. Building the whole document first (a map of strings per user, most of them fields
// the window never shows) took two thirds of the time of a 1,000-user page. Every rule is
// the document decoder's (decodeUser, decodeUserPage(json)), which stays the reference: the
// fuzz target compares the two on every input. Like the document, a key given twice counts
// by its last value.
class UserPageReader final : public nlohmann::json_sax<json>
{
public:
    std::optional<UserPage> result(QString* problem)
    {
        if (m_shape == Shape::Array || (m_shape == Shape::Envelope && m_itemsValid)) {
            m_page.total = m_shape == Shape::Envelope ? m_total : std::nullopt;
            return std::move(m_page);
        }
        if (problem)
            *problem = tr("expected a list of users.");
        return std::nullopt;
    }

    bool null() override { return scalar(Value::Other); }
    bool boolean(bool value) override
    {
        m_bool = value;
        return scalar(Value::Bool);
    }
    bool number_integer(number_integer_t value) override
    {
        m_integer = value;
        return scalar(Value::Integer);
    }
    bool number_unsigned(number_unsigned_t value) override
    {
        m_unsigned = value;
        return scalar(Value::Unsigned);
    }
    bool number_float(number_float_t, const string_t&) override { return scalar(Value::Other); }
    bool string(string_t& value) override
    {
        m_string = &value;
        return scalar(Value::String);
    }
    bool binary(binary_t&) override { return scalar(Value::Other); }

    bool start_object(std::size_t) override
    {
        containerStarts();
        ++m_depth;
        if (m_depth == 1) {
            m_shape = Shape::Envelope;
        } else if (m_itemsDepth > 0 && m_depth == m_itemsDepth + 1) {
            m_inUser = true;
            m_user = {};
        }
        return true;
    }
    bool end_object() override
    {
        if (m_inUser && m_depth == m_itemsDepth + 1) {
            m_inUser = false;
            if (!m_user.id.isEmpty())
                m_page.users.append(std::move(m_user));
        }
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) override
    {
        const bool isItems = m_depth == 0
            || (m_depth == 1 && m_shape == Shape::Envelope && m_topKey == TopKey::Items);
        containerStarts();
        ++m_depth;
        if (isItems) {
            // A bare array, or an envelope's "items" (a later one replaces an earlier one).
            if (m_depth == 1)
                m_shape = Shape::Array;
            m_itemsDepth = m_depth;
            m_itemsValid = true;
            m_page.users.clear();
            m_page.itemCount = 0;
        }
        return true;
    }
    bool end_array() override
    {
        if (m_depth == m_itemsDepth)
            m_itemsDepth = 0;
        --m_depth;
        return true;
    }
    bool key(string_t& key) override
    {
        if (m_depth == 1 && m_shape == Shape::Envelope) {
            m_topKey = key == "items" ? TopKey::Items
                : key == "total"      ? TopKey::Total
                                      : TopKey::Other;
        } else if (m_inUser && m_depth == m_itemsDepth + 1) {
            m_field = fieldNamed(key);
        }
        return true;
    }
    bool parse_error(
        std::size_t position, const std::string&, const nlohmann::detail::exception&) override
    {
        m_errorPosition = position;
        return false;
    }

    // Where the JSON broke off: a byte offset, from 1.
    std::size_t errorPosition() const { return m_errorPosition; }

private:
    enum class Shape
    {
        None,
        Array,
        Envelope
    };
    enum class TopKey
    {
        Other,
        Items,
        Total
    };
    enum class Field
    {
        Other,
        Id,
        Username,
        Name,
        Email,
        OauthProvider,
        OauthId,
        IsActive,
        IsSuperuser,
        IsServiceAccount,
        PasswordExpired
    };
    enum class Value
    {
        Other, // null, a float, a container
        Bool,
        Integer,
        Unsigned,
        String
    };

    static Field fieldNamed(const std::string& key)
    {
        static const std::pair<std::string_view, Field> fields[] = { { "id", Field::Id },
            { "username", Field::Username }, { "name", Field::Name }, { "email", Field::Email },
            { "oauth_provider", Field::OauthProvider }, { "oauth_id", Field::OauthId },
            { "is_active", Field::IsActive }, { "is_superuser", Field::IsSuperuser },
            { "is_service_account", Field::IsServiceAccount },
            { "password_expired", Field::PasswordExpired } };
        for (const auto& [name, field] : fields) {
            if (key == name)
                return field;
        }
        return Field::Other;
    }

    // A container is about to open at m_depth + 1: as a value it counts like a scalar of no
    // usable type.
    void containerStarts() { valueAt(Value::Other); }

    bool scalar(Value value)
    {
        valueAt(value);
        return true;
    }

    // A value (or the start of a container) inside the container at m_depth.
    void valueAt(Value value)
    {
        if (m_itemsDepth > 0 && m_depth == m_itemsDepth) {
            ++m_page.itemCount; // an entry of the list, a user or not
            return;
        }
        if (m_inUser && m_depth == m_itemsDepth + 1) {
            setField(value);
            return;
        }
        if (m_depth == 1 && m_shape == Shape::Envelope) {
            if (m_topKey == TopKey::Total) {
                m_total = std::nullopt;
                if (value == Value::Unsigned) {
                    m_total = qint64(std::min<json::number_unsigned_t>(
                        m_unsigned, json::number_unsigned_t(std::numeric_limits<qint64>::max())));
                } else if (value == Value::Integer && m_integer >= 0) {
                    m_total = m_integer;
                }
            } else if (m_topKey == TopKey::Items) {
                m_itemsValid = false; // an array starting here sets it again
            }
        }
    }

    QString text(Value value) const
    {
        return value == Value::String ? fromUtf8(*m_string) : QString();
    }

    void setField(Value value)
    {
        switch (m_field) {
        case Field::Other:
            break;
        case Field::Id:
        case Field::OauthId: {
            // As idField(): a string, or an integer digit for digit; nothing else.
            QString id = text(value);
            if (value == Value::Unsigned)
                id = QString::number(m_unsigned);
            else if (value == Value::Integer)
                id = QString::number(m_integer);
            (m_field == Field::Id ? m_user.id : m_user.oauthId) = id;
            break;
        }
        case Field::Username:
            m_user.username = text(value);
            break;
        case Field::Name:
            m_user.name = text(value);
            break;
        case Field::Email:
            m_user.email = text(value);
            break;
        case Field::OauthProvider:
            m_user.oauthProvider = text(value);
            break;
        case Field::IsActive:
            m_user.isActive = value == Value::Bool ? m_bool : true;
            break;
        case Field::IsSuperuser:
            m_user.isSuperuser = value == Value::Bool && m_bool;
            break;
        case Field::IsServiceAccount:
            m_user.isServiceAccount = value == Value::Bool && m_bool;
            break;
        case Field::PasswordExpired:
            m_user.passwordExpired = value == Value::Bool && m_bool;
            break;
        }
        m_field = Field::Other;
    }

    std::size_t m_errorPosition = 0;
    int m_depth = 0; // containers open
    Shape m_shape = Shape::None;
    TopKey m_topKey = TopKey::Other;
    int m_itemsDepth = 0; // the depth inside the list of users, while in it; else 0
    bool m_itemsValid = false;
    std::optional<qint64> m_total;
    UserPage m_page;
    bool m_inUser = false;
    users::User m_user;
    Field m_field = Field::Other;
    // The scalar being handled.
    bool m_bool = false;
    number_integer_t m_integer = 0;
    number_unsigned_t m_unsigned = 0;
    const string_t* m_string = nullptr;
};

} // namespace

// Known limitation: a lone surrogate escape ("\ud800" without its pair) anywhere in a page
// fails the whole page, as nlohmann's lexer refuses it; raw ill-formed UTF-8 is replaced with
// U+FFFD instead (toValidUtf8). Servers that write JSON as UTF-8 cannot produce one.
std::optional<UserPage> decodeUserPage(const QByteArray& body, QString* problem)
{
    const QByteArray text = toValidUtf8(body);
    UserPageReader reader;
    if (!json::sax_parse(text.cbegin(), text.cend(), &reader)) {
        // An answer cut off in transfer breaks at its very end; anything else is the server's
        // JSON itself.
        if (problem && reader.errorPosition() >= std::size_t(text.size())) {
            *problem = tr("it ends in the middle of its JSON (it may have been cut off).");
        } else if (problem) {
            *problem = tr("it is not valid JSON (the error is at byte %1 of %2).")
                           .arg(reader.errorPosition())
                           .arg(text.size());
        }
        return std::nullopt;
    }
    return reader.result(problem);
}

std::optional<LoginResult> decodeLoginAnswer(
    const json& document, const QDateTime& receivedAt, QString* problem)
{
    const QString token = document.is_object() ? stringField(document, "access_token") : QString();
    if (token.isEmpty()) {
        if (problem)
            *problem = tr("the sign-in answer holds no access token.");
        return std::nullopt;
    }

    LoginResult result;
    result.accessToken = token;
    result.tokenType = stringField(document, "token_type");

    constexpr qint64 kTenYears = 10LL * 366 * 24 * 3600;
    const auto expires = document.find("expires_in");
    qint64 seconds = 0;
    if (expires != document.end()) {
        if (expires->is_number_unsigned())
            seconds = qint64(std::min<json::number_unsigned_t>(
                expires->get<json::number_unsigned_t>(), kTenYears));
        else if (expires->is_number_integer())
            seconds = expires->get<json::number_integer_t>();
        else if (expires->is_number_float()) {
            // Converted only inside the range: a double beyond qint64 has no defined conversion.
            const double value = expires->get<double>();
            if (value > 0 && value < double(kTenYears))
                seconds = qint64(value);
        } else if (expires->is_string())
            seconds = fromUtf8(expires->get_ref<const json::string_t&>()).toLongLong();
    }
    seconds = std::clamp<qint64>(seconds, 0, kTenYears);
    if (seconds > 0) {
        result.expiresInSeconds = int(seconds);
        result.expiresAt = receivedAt.addSecs(seconds);
    }
    return result;
}

QString detailMessage(const json& errorBody)
{
    if (!errorBody.is_object())
        return {};

    QString text;
    const auto detail = errorBody.find("detail");
    if (detail != errorBody.end()) {
        if (detail->is_string()) {
            text = fromUtf8(detail->get_ref<const json::string_t&>());
        } else if (detail->is_array() && detail->size() == 2 && (*detail)[0].is_string()
            && (*detail)[1].is_string()) {
            // ["ExceptionName", "message"]: the message is for people, the name for programs.
            text = fromUtf8((*detail)[1].get_ref<const json::string_t&>());
            if (text.trimmed().isEmpty())
                text = fromUtf8((*detail)[0].get_ref<const json::string_t&>());
        } else if (detail->is_array()) {
            text = validationListText(*detail);
            if (text.isEmpty()) {
                QStringList parts;
                for (const json& part : *detail) {
                    if (part.is_string())
                        parts << fromUtf8(part.get_ref<const json::string_t&>());
                }
                text = parts.join(QStringLiteral("; "));
            }
        } else if (detail->is_object()) {
            text = stringField(*detail, "message");
            if (text.isEmpty())
                text = stringField(*detail, "msg");
        }
    }
    if (text.trimmed().isEmpty())
        text = stringField(errorBody, "message");
    if (text.trimmed().isEmpty())
        text = stringField(errorBody, "error");
    return tidy(text, kMaxDetailChars);
}

QString textExcerpt(const QByteArray& body, int maxChars)
{
    // Only the start matters, and the regular expressions below must not see megabytes.
    QString text = QString::fromUtf8(body.left(32 * 1024));

    if (text.contains(QLatin1Char('<'))) {
        static const QRegularExpression hidden(
            QStringLiteral("<(head|script|style)\\b.*?(</\\1\\s*>|$)"),
            QRegularExpression::CaseInsensitiveOption
                | QRegularExpression::DotMatchesEverythingOption);
        static const QRegularExpression comments(
            QStringLiteral("<!--.*?(-->|$)"), QRegularExpression::DotMatchesEverythingOption);
        static const QRegularExpression tags(QStringLiteral("<[^>]*(>|$)"));
        static const QRegularExpression numeric(QStringLiteral("&#(x?)([0-9a-fA-F]{1,6});"));

        text.replace(comments, QStringLiteral(" "));
        text.replace(hidden, QStringLiteral(" "));
        text.replace(tags, QStringLiteral(" "));

        QString decoded;
        decoded.reserve(text.size());
        qsizetype from = 0;
        auto matches = numeric.globalMatch(text);
        while (matches.hasNext()) {
            const auto match = matches.next();
            decoded += QStringView(text).mid(from, match.capturedStart() - from);
            bool ok = false;
            const uint code = match.captured(2).toUInt(&ok, match.captured(1).isEmpty() ? 10 : 16);
            const char32_t character = code;
            if (ok && code >= 0x20 && QChar::isPrint(character))
                decoded += QString::fromUcs4(&character, 1);
            else
                decoded += QLatin1Char(' ');
            from = match.capturedEnd();
        }
        decoded += QStringView(text).mid(from);
        text = decoded;
        text.replace(QLatin1String("&nbsp;"), QLatin1String(" "));
        text.replace(QLatin1String("&lt;"), QLatin1String("<"));
        text.replace(QLatin1String("&gt;"), QLatin1String(">"));
        text.replace(QLatin1String("&quot;"), QLatin1String("\""));
        text.replace(QLatin1String("&apos;"), QLatin1String("'"));
        text.replace(QLatin1String("&amp;"), QLatin1String("&"));
    }
    return tidy(text, maxChars);
}

QString reasonPhrase(int httpStatus)
{
    switch (httpStatus) {
    case 200:
        return QStringLiteral("OK");
    case 201:
        return QStringLiteral("Created");
    case 202:
        return QStringLiteral("Accepted");
    case 204:
        return QStringLiteral("No Content");
    case 301:
        return QStringLiteral("Moved Permanently");
    case 302:
        return QStringLiteral("Found");
    case 304:
        return QStringLiteral("Not Modified");
    case 307:
        return QStringLiteral("Temporary Redirect");
    case 308:
        return QStringLiteral("Permanent Redirect");
    case 400:
        return QStringLiteral("Bad Request");
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("Not Found");
    case 405:
        return QStringLiteral("Method Not Allowed");
    case 408:
        return QStringLiteral("Request Timeout");
    case 409:
        return QStringLiteral("Conflict");
    case 410:
        return QStringLiteral("Gone");
    case 413:
        return QStringLiteral("Content Too Large");
    case 415:
        return QStringLiteral("Unsupported Media Type");
    case 422:
        return QStringLiteral("Unprocessable Content");
    case 429:
        return QStringLiteral("Too Many Requests");
    case 500:
        return QStringLiteral("Internal Server Error");
    case 501:
        return QStringLiteral("Not Implemented");
    case 502:
        return QStringLiteral("Bad Gateway");
    case 503:
        return QStringLiteral("Service Unavailable");
    case 504:
        return QStringLiteral("Gateway Timeout");
    default:
        return {};
    }
}

QByteArray encodeForm(const QList<std::pair<QString, QString>>& fields)
{
    QByteArray out;
    for (const auto& [key, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(key);
        out += '=';
        out += QUrl::toPercentEncoding(value);
    }
    return out;
}

QByteArray encodePathSegment(const QString& segment)
{
    return QUrl::toPercentEncoding(segment);
}

QUrl endpointUrl(const QUrl& apiRoot, const QByteArray& encodedPath, const QByteArray& encodedQuery)
{
    QUrl url = apiRoot;
    QByteArray path = apiRoot.path(QUrl::FullyEncoded).toLatin1();
    while (path.endsWith('/'))
        path.chop(1);
    url.setPath(QString::fromLatin1(path + encodedPath), QUrl::StrictMode);
    url.setQuery(
        encodedQuery.isEmpty() ? QString() : QString::fromLatin1(encodedQuery), QUrl::StrictMode);
    url.setFragment(QString());
    return url;
}

QString scrubSecrets(QString text, const QStringList& secrets)
{
    static const QString mask = QStringLiteral("\u2022\u2022\u2022");
    for (const QString& secret : secrets) {
        if (secret.size() < 3)
            continue;
        text.replace(secret, mask);
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(secret));
        if (encoded != secret)
            text.replace(encoded, mask, Qt::CaseInsensitive);
    }
    return text;
}

} // namespace zenml::controlplane
