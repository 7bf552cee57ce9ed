#pragma once

#include "User.h"

#include <QCoreApplication>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>

namespace zenml::users {

// The answer of an account rule: allowed, or refused with a sentence a person can read
// (it names the account and says why), shown where the action is.
struct Verdict
{
    bool allowed = true;
    QString reason; // empty when allowed

    static Verdict allow() { return {}; }
    static Verdict refuse(const QString& why) { return { false, why }; }

    explicit operator bool() const { return allowed; }
    friend bool operator==(const Verdict&, const Verdict&) = default;
};

// A username is a key people type and scripts compare: refuse what would make two accounts
// look alike or break a command line. Empty, whitespace at either end (the reason offers the
// trimmed form), any space other than U+0020, control and format characters (Unicode Cc, Cf),
// lone surrogates, and more than maxUsernameLength code points are refused.
Verdict validateUsername(const QString& username);
inline constexpr int maxUsernameLength = 255;

// Whether two usernames name the same account as the control plane sees it: usernames are
// unique regardless of case, so "Fenhl" and "fenhl" are the same name.
bool sameUsername(QStringView a, QStringView b);

// The account in `all` other than the one with id `exceptId` whose username is the same as
// `username` (see sameUsername), or nullptr. Passing the renamed account's id makes a
// case-only rename of an account to itself no collision.
const User* usernameTakenBy(
    const UserList& all, const QString& username, const QString& exceptId = {});

// Who may do what to whom, asked by the window and the command line before any request.
// Built once from the signed-in account and the list as last fetched; cheap to build on
// 100,000 rows (one pass counting super-users) and cheap to copy (the list is shared, not
// copied). Build a new one whenever the list or the signed-in account changes.
//
// The reserved admin account is never counted as a super-user row to protect: the control
// plane protects it itself, and it disappears when password login is turned off, so the
// installation must keep at least one other super-user.
class AccountRules final
{
    Q_DECLARE_TR_FUNCTIONS(AccountRules)

public:
    AccountRules(const User& signedIn, const UserList& all,
        const QString& reservedAdminUsername = User::defaultReservedAdminUsername());
    // For a list too large to copy into Users (the window's table): its super-users, and a
    // lookup of a username among every account, as usernameTakenBy() answers it.
    using UsernameLookup
        = std::function<std::optional<User>(const QString& username, const QString& exceptId)>;
    AccountRules(const User& signedIn, const UserList& superusers, UsernameLookup findUsername,
        const QString& reservedAdminUsername);

    // Whether the signed-in account may change anything at all; when not, the table is
    // read-only and the reason says why. Every other check asks this first.
    Verdict canManage() const;

    // Creating a local user: the username must be valid and free.
    Verdict canCreate(const QString& username) const;

    Verdict canGrantSuperuser(const User& target) const;
    Verdict canRevokeSuperuser(const User& target) const;
    // Multi-select: the set as a whole is refused when it holds one's own account or the
    // reserved admin, or when it would leave no super-user row (or no active one). Accounts
    // in the set that are not super-users have nothing to revoke and are skipped.
    Verdict canRevokeSuperuser(const UserList& targets) const;

    Verdict canDelete(const User& target) const;
    Verdict canDelete(const UserList& targets) const;

    // Only local accounts have a password an administrator can reset.
    Verdict canResetPassword(const User& target) const;

    // The display name is free text, but control characters are refused.
    Verdict canChangeDisplayName(const User& target, const QString& newName) const;
    // Where the server allows a username change: a valid username, not the reserved admin's,
    // not taken by another account (a case-only rename of the account itself is fine).
    Verdict canChangeUsername(const User& target, const QString& newUsername) const;

    // Super-user rows other than the reserved admin, all and active only.
    int superuserCount() const { return int(m_superuserIds.size()); }
    int activeSuperuserCount() const { return int(m_activeSuperuserIds.size()); }

    bool isSelf(const User& account) const;
    bool isReservedAdmin(const User& account) const;

private:
    enum class Removal
    {
        Revoke,
        Delete,
    };
    Verdict canRemoveSuperusers(const UserList& targets, Removal removal) const;

    User m_signedIn;
    UsernameLookup m_findUsername;
    QString m_reservedAdmin;
    // Ids only: super-users are few even among 100,000 rows, so multi-select checks are
    // a set lookup per selected row.
    QSet<QString> m_superuserIds;
    QSet<QString> m_activeSuperuserIds;
};

} // namespace zenml::users
