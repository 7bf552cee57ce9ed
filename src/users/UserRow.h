#pragma once

#include "User.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <array>

namespace zenml::users {

// One account as UserTableModel keeps it: every text of the account, and the case-folded
// forms that sorting and searching need, in a single string, with its flags in a byte. A
// hundred thousand Users cost ~700 bytes each (a dozen separate strings); a UserRow about
// half of that. Packing folds the texts, which costs about as much as decoding the user, so
// rows are packed where a page is decoded, away from the GUI thread.
class UserRow
{
public:
    UserRow() = default;
    static UserRow pack(const User& user);
    User unpack() const;

    QStringView id() const { return field(Id); }
    QStringView username() const { return field(Username); }
    QStringView name() const { return field(Name); }
    QStringView email() const { return field(Email); }
    QStringView oauthProvider() const { return field(OauthProvider); }
    // Case-folded; a text that folding leaves alone is not stored twice.
    QStringView foldedUsername() const { return folded(FoldedUsername, Username); }
    QStringView foldedName() const { return folded(FoldedName, Name); }
    QStringView foldedEmail() const { return folded(FoldedEmail, Email); }

    bool isActive() const { return m_flags & Active; }
    bool isSuperuser() const { return m_flags & Superuser; }
    bool isServiceAccount() const { return m_flags & ServiceAccount; }
    bool passwordExpired() const { return m_flags & PasswordExpired; }
    bool isSso() const { return m_flags & Sso; }
    AccountKind kind(const QString& reservedAdminUsername) const
    {
        return accountKindOf(username(), isServiceAccount(), isSso(), reservedAdminUsername);
    }

private:
    enum Field
    {
        Id,
        Username,
        Name,
        Email,
        OauthProvider,
        OauthId,
        FoldedUsername,
        FoldedName,
        FoldedEmail,
        FieldCount
    };
    enum Flag : quint8
    {
        Active = 1,
        Superuser = 2,
        ServiceAccount = 4,
        PasswordExpired = 8,
        Sso = 16,
    };

    QStringView field(Field which) const
    {
        const quint32 begin = which == 0 ? 0 : m_end[which - 1];
        return QStringView(m_text).mid(begin, m_end[which] - begin);
    }
    // An empty folded field means the text folds to itself (an empty text too).
    QStringView folded(Field which, Field original) const
    {
        const QStringView text = field(which);
        return text.isEmpty() ? field(original) : text;
    }

    QString m_text;
    std::array<quint32, FieldCount> m_end {};
    quint8 m_flags = Active;
};

// Users ready to be placed in a UserTableModel: the accounts, and the same packed as rows.
// Prepared on any thread.
struct PreparedUsers
{
    UserList users;
    QList<UserRow> rows;

    static PreparedUsers prepare(UserList users);
    qsizetype size() const { return rows.size(); }
    bool isEmpty() const { return rows.isEmpty(); }
};

} // namespace zenml::users

Q_DECLARE_TYPEINFO(zenml::users::UserRow, Q_RELOCATABLE_TYPE);
