#include "sandbox/UserJson.h"

#include <QJsonDocument>

namespace zenml::sandbox {

namespace {

QJsonValue nullable(const QString& text)
{
    return text.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

QJsonObject userJson(const UserRecord& user)
{
    QJsonObject object;
    object.insert(QStringLiteral("id"), user.id);
    object.insert(QStringLiteral("username"), user.username);
    object.insert(QStringLiteral("name"), nullable(user.name));
    object.insert(QStringLiteral("email"), nullable(user.email));
    object.insert(QStringLiteral("password"), QJsonValue::Null);
    object.insert(QStringLiteral("password_expired"), user.passwordExpired);
    object.insert(QStringLiteral("is_active"), user.isActive);
    object.insert(QStringLiteral("is_superuser"), user.isSuperuser || user.isAdmin);
    object.insert(QStringLiteral("is_service_account"), user.isServiceAccount);
    object.insert(QStringLiteral("oauth_provider"), nullable(user.oauthProvider));
    object.insert(QStringLiteral("oauth_id"), nullable(user.oauthId));
    object.insert(QStringLiteral("avatar_url"), nullable(user.avatarUrl));
    object.insert(QStringLiteral("company"), nullable(user.company));
    object.insert(QStringLiteral("job_title"), nullable(user.jobTitle));
    object.insert(QStringLiteral("metadata"), QJsonDocument::fromJson(user.metadata).object());
    object.insert(QStringLiteral("organization_id"), nullable(user.organizationId));
    // Not in the contract: clients must ignore fields they do not know.
    object.insert(QStringLiteral("created"), user.created);
    object.insert(QStringLiteral("updated"), user.updated);
    return object;
}

QByteArray compactUserJson(const UserRecord& user)
{
    return QJsonDocument(userJson(user)).toJson(QJsonDocument::Compact);
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

    return compactUserJson(full) + '\n' + compactUserJson(bare);
}

} // namespace zenml::sandbox
