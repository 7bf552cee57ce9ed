#pragma once

#include <QByteArray>
#include <QString>

namespace zenml::sandbox {

// One account as the store keeps it. A null QString is JSON null on the wire.
struct UserRecord
{
    qint64 seq = 0; // creation order; never reused, so listing order is stable
    QString id; // lower-case UUID without braces
    QString username;
    QString name;
    QString email;
    QString passwordHash; // null: no local password (SSO and service accounts)
    bool passwordExpired = false;
    bool isActive = true;
    bool isSuperuser = false;
    bool isServiceAccount = false;
    bool isAdmin = false; // the reserved admin account
    QString oauthProvider;
    QString oauthId;
    QString avatarUrl;
    QString company;
    QString jobTitle;
    QByteArray metadata = QByteArrayLiteral("{}"); // compact JSON object
    QString organizationId;
    QString created; // ISO 8601, UTC
    QString updated;
};

} // namespace zenml::sandbox
