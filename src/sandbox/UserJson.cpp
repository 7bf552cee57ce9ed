#include "sandbox/UserJson.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace zenml::sandbox {

namespace {

char hexDigit(uint value)
{
    return "0123456789abcdef"[value & 0xf];
}

// A JSON string as QJsonDocument writes it: UTF-8; quote, backslash and control characters
// escaped, with the short forms where JSON has them; a lone surrogate as \uXXXX.
void appendString(QByteArray& out, const QString& text)
{
    out += '"';
    const char16_t* next = reinterpret_cast<const char16_t*>(text.constData());
    const char16_t* const end = next + text.size();
    while (next != end) {
        const char16_t c = *next++;
        if (c >= 0x20 && c < 0x80 && c != u'"' && c != u'\\') {
            out += char(c);
        } else if (c < 0x20 || c == u'"' || c == u'\\') {
            out += '\\';
            switch (c) {
            case u'"':
                out += '"';
                break;
            case u'\\':
                out += '\\';
                break;
            case u'\b':
                out += 'b';
                break;
            case u'\f':
                out += 'f';
                break;
            case u'\n':
                out += 'n';
                break;
            case u'\r':
                out += 'r';
                break;
            case u'\t':
                out += 't';
                break;
            default:
                out += "u00";
                out += hexDigit(c >> 4);
                out += hexDigit(c);
            }
        } else if (c < 0x800) {
            out += char(0xc0 | (c >> 6));
            out += char(0x80 | (c & 0x3f));
        } else if (!QChar::isSurrogate(c)) {
            out += char(0xe0 | (c >> 12));
            out += char(0x80 | ((c >> 6) & 0x3f));
            out += char(0x80 | (c & 0x3f));
        } else if (QChar::isHighSurrogate(c) && next != end && QChar::isLowSurrogate(*next)) {
            const char32_t code = QChar::surrogateToUcs4(c, *next++);
            out += char(0xf0 | (code >> 18));
            out += char(0x80 | ((code >> 12) & 0x3f));
            out += char(0x80 | ((code >> 6) & 0x3f));
            out += char(0x80 | (code & 0x3f));
        } else {
            out += "\\u";
            out += hexDigit(c >> 12);
            out += hexDigit(c >> 8);
            out += hexDigit(c >> 4);
            out += hexDigit(c);
        }
    }
    out += '"';
}

void appendNullable(QByteArray& out, const QString& text)
{
    if (text.isNull())
        out += "null";
    else
        appendString(out, text);
}

const char* boolean(bool value)
{
    return value ? "true" : "false";
}

} // namespace

QByteArray userJson(const UserRecord& user)
{
    // The keys in sorted order, as QJsonObject keeps and QJsonDocument writes them.
    QByteArray out;
    out.reserve(512);
    out += "{\"avatar_url\":";
    appendNullable(out, user.avatarUrl);
    out += ",\"company\":";
    appendNullable(out, user.company);
    // created and updated are not in the contract: clients must ignore fields they do not know.
    out += ",\"created\":";
    appendString(out, user.created);
    out += ",\"email\":";
    appendNullable(out, user.email);
    out += ",\"id\":";
    appendString(out, user.id);
    out += ",\"is_active\":";
    out += boolean(user.isActive);
    out += ",\"is_service_account\":";
    out += boolean(user.isServiceAccount);
    out += ",\"is_superuser\":";
    out += boolean(user.isSuperuser || user.isAdmin);
    out += ",\"job_title\":";
    appendNullable(out, user.jobTitle);
    // Whatever the column holds is shown as a JSON object: anything else as {}.
    out += ",\"metadata\":";
    if (user.metadata == "{}")
        out += "{}";
    else
        out += QJsonDocument(QJsonDocument::fromJson(user.metadata).object())
                   .toJson(QJsonDocument::Compact);
    out += ",\"name\":";
    appendNullable(out, user.name);
    out += ",\"oauth_id\":";
    appendNullable(out, user.oauthId);
    out += ",\"oauth_provider\":";
    appendNullable(out, user.oauthProvider);
    out += ",\"organization_id\":";
    appendNullable(out, user.organizationId);
    out += ",\"password\":null,\"password_expired\":";
    out += boolean(user.passwordExpired);
    out += ",\"updated\":";
    appendString(out, user.updated);
    out += ",\"username\":";
    appendString(out, user.username);
    out += '}';
    return out;
}

QByteArray userJsonFingerprint()
{
    UserRecord full;
    full.seq = 1;
    full.id = QStringLiteral("00000000-0000-4000-8000-000000000001");
    full.username = QStringLiteral("Ünïcode \"quoted\" \\ \t name");
    full.name = QStringLiteral("Full Name");
    full.email = QStringLiteral("full@example.com");
    full.passwordHash = QStringLiteral("hash");
    full.passwordExpired = true;
    full.isActive = false;
    full.isSuperuser = true;
    full.isServiceAccount = true;
    full.oauthProvider = QStringLiteral("oidc");
    full.oauthId = QStringLiteral("oauth-id");
    full.avatarUrl = QStringLiteral("https://avatars.example.com/a.png");
    full.company = QStringLiteral("Company");
    full.jobTitle = QStringLiteral("Job title");
    full.metadata = QByteArrayLiteral("{\"team\":\"t\",\"n\":1}");
    full.organizationId = QStringLiteral("00000000-0000-4000-8000-000000000002");
    full.created = QStringLiteral("2024-01-01T00:00:00.000Z");
    full.updated = QStringLiteral("2024-01-02T00:00:00.000Z");

    UserRecord bare;
    bare.seq = 2;
    bare.id = QStringLiteral("00000000-0000-4000-8000-000000000003");
    bare.username = QStringLiteral("bare");
    bare.isAdmin = true;
    bare.created = full.created;
    bare.updated = full.created;

    return userJson(full) + '\n' + userJson(bare);
}

} // namespace zenml::sandbox
