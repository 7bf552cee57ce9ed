#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace zenml::users {

// What kind of account a row is, as an administrator thinks of it.
enum class AccountKind
{
    Local,
    Sso,
    ServiceAccount,
    ReservedAdmin,
};

QString accountKindLabel(AccountKind kind);

// The kind of an account from what decides it (see User::kind).
AccountKind accountKindOf(
    QStringView username, bool isServiceAccount, bool isSso, const QString& reservedAdminUsername);

// One user account as the control plane last reported it. The server is the source of
// truth: a User is only ever built from a server answer, never from what a dialog typed.
struct User
{
    QString id; // opaque string key (a UUID on the wire); never parsed as a number
    QString username;
    QString name;
    QString email;
    QString oauthProvider;
    QString oauthId;
    bool isActive = true;
    bool isSuperuser = false;
    bool isServiceAccount = false;
    bool passwordExpired = false;

    // The reserved admin account is recognised by its username, which the deployment
    // configures ("admin" unless changed).
    AccountKind kind(const QString& reservedAdminUsername = defaultReservedAdminUsername()) const;
    bool isSso() const { return !oauthProvider.isEmpty() || !oauthId.isEmpty(); }

    static QString defaultReservedAdminUsername() { return QStringLiteral("admin"); }

    friend bool operator==(const User&, const User&) = default;
};

using UserList = QList<User>;

// Each account once: a user listed twice (offset paging while accounts are created or
// deleted) keeps its first position and its latest values. Users without an id are kept.
UserList uniqueById(const UserList& users);

} // namespace zenml::users

Q_DECLARE_METATYPE(zenml::users::User)
