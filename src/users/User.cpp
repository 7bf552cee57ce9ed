#include "User.h"

#include <QCoreApplication>
#include <QHash>

namespace zenml::users {

QString accountKindLabel(AccountKind kind)
{
    switch (kind) {
    case AccountKind::Local:
        return QCoreApplication::translate("zenml::users", "Local");
    case AccountKind::Sso:
        return QCoreApplication::translate("zenml::users", "SSO");
    case AccountKind::ServiceAccount:
        return QCoreApplication::translate("zenml::users", "Service account");
    case AccountKind::ReservedAdmin:
        return QCoreApplication::translate("zenml::users", "Reserved admin");
    }
    return {};
}

AccountKind accountKindOf(
    QStringView username, bool isServiceAccount, bool isSso, const QString& reservedAdminUsername)
{
    // The reserved admin wins over every flag: the control plane protects it by name.
    if (!reservedAdminUsername.isEmpty()
        && username.compare(reservedAdminUsername, Qt::CaseInsensitive) == 0) {
        return AccountKind::ReservedAdmin;
    }
    if (isServiceAccount)
        return AccountKind::ServiceAccount;
    if (isSso)
        return AccountKind::Sso;
    return AccountKind::Local;
}

AccountKind User::kind(const QString& reservedAdminUsername) const
{
    return accountKindOf(username, isServiceAccount, isSso(), reservedAdminUsername);
}

UserList uniqueById(const UserList& users)
{
    UserList unique;
    unique.reserve(users.size());
    QHash<QString, qsizetype> positions;
    positions.reserve(users.size());
    for (const User& user : users) {
        if (!user.id.isEmpty()) {
            if (const auto it = positions.constFind(user.id); it != positions.cend()) {
                unique[*it] = user;
                continue;
            }
            positions.insert(user.id, unique.size());
        }
        unique.append(user);
    }
    return unique;
}

} // namespace zenml::users
