#include "User.h"

#include <QCoreApplication>

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

} // namespace zenml::users
