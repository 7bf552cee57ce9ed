#include "AccountRules.h"

#include <QStringList>

#include <utility>

namespace zenml::users {

namespace {

// How a reason names an account: its username, or its id when the server sent none.
QString nameOf(const User& user)
{
    return user.username.isEmpty() ? user.id : user.username;
}

// "alice", "alice and bob", "alice, bob and carol", then "... and 3 more": a selection may
// hold thousands of rows, a reason must stay one sentence.
QString nameList(const QStringList& names)
{
    constexpr qsizetype shown = 5;
    if (names.size() == 1)
        return names.first();
    if (names.size() <= shown) {
        return AccountRules::tr("%1 and %2")
            .arg(names.first(names.size() - 1).join(QStringLiteral(", ")), names.last());
    }
    return AccountRules::tr("%1 and %n more", nullptr, int(names.size() - shown))
        .arg(names.first(shown).join(QStringLiteral(", ")));
}

QString codePointLabel(char32_t codePoint)
{
    return QStringLiteral("U+%1").arg(uint(codePoint), 4, 16, QLatin1Char('0')).toUpper();
}

// Ids are the key everywhere; a row without one (never from a real server) falls back to
// its username so that it still counts once.
QString identityOf(const User& user)
{
    if (!user.id.isEmpty())
        return user.id;
    return QStringLiteral("username:") + user.username.toCaseFolded();
}

// The first character of `text` that is not allowed in a display or user name, as a reason,
// or an empty string. Format characters (Cf: zero-width space, bidirectional marks) are
// refused only with `refuseFormat`: a display name may need them (emoji sequences,
// right-to-left scripts), a username must not hide characters.
QString forbiddenCharacterReason(const QString& text, const QString& what, bool refuseFormat)
{
    int position = 0;
    for (qsizetype i = 0; i < text.size(); ++i, ++position) {
        const QChar c = text.at(i);
        char32_t codePoint = c.unicode();
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            codePoint = QChar::surrogateToUcs4(c, text.at(i + 1));
            ++i;
        } else if (c.isSurrogate()) {
            return AccountRules::tr("The %1 contains an invalid character (a lone surrogate, "
                                    "%2) at position %3.")
                .arg(what, codePointLabel(codePoint))
                .arg(position + 1);
        }

        const QChar::Category category = QChar::category(codePoint);
        if (category == QChar::Other_Control) {
            return AccountRules::tr("The %1 contains the control character %2 at position %3.")
                .arg(what, codePointLabel(codePoint))
                .arg(position + 1);
        }
        if (refuseFormat && category == QChar::Other_Format) {
            return AccountRules::tr("The %1 contains the invisible character %2 at position %3.")
                .arg(what, codePointLabel(codePoint))
                .arg(position + 1);
        }
    }
    return {};
}

qsizetype codePointCount(const QString& text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

} // namespace

Verdict validateUsername(const QString& username)
{
    const QString what = AccountRules::tr("username");

    if (username.isEmpty())
        return Verdict::refuse(AccountRules::tr("The username is empty."));

    // QString::trimmed() removes exactly what QChar::isSpace() calls a space, which includes
    // the no-break space and the other Unicode spaces a paste brings along.
    const QString trimmed = username.trimmed();
    if (trimmed.isEmpty())
        return Verdict::refuse(AccountRules::tr("The username is only spaces."));
    if (trimmed.size() != username.size()) {
        if (validateUsername(trimmed)) {
            return Verdict::refuse(
                AccountRules::tr("The username has a space at its start or end; did you mean “%1”?")
                    .arg(trimmed));
        }
        return Verdict::refuse(AccountRules::tr("The username has a space at its start or end."));
    }

    const QString forbidden = forbiddenCharacterReason(username, what, true);
    if (!forbidden.isEmpty())
        return Verdict::refuse(forbidden);

    // Inside a name only the plain space is accepted: a no-break or ideographic space makes
    // two names that look the same compare different.
    for (qsizetype i = 0; i < username.size(); ++i) {
        const QChar c = username.at(i);
        if (c.isSpace() && c != QLatin1Char(' ')) {
            return Verdict::refuse(AccountRules::tr(
                "The username contains the space character %1 at position %2; only an "
                "ordinary space is allowed.")
                                       .arg(codePointLabel(c.unicode()))
                                       .arg(i + 1));
        }
    }

    // The server counts characters, not UTF-16 units.
    const qsizetype length = codePointCount(username);
    if (length > maxUsernameLength) {
        return Verdict::refuse(
            AccountRules::tr("The username is %1 characters long; the limit is %2.")
                .arg(length)
                .arg(maxUsernameLength));
    }
    return Verdict::allow();
}

bool sameUsername(QStringView a, QStringView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

const User* usernameTakenBy(const UserList& all, const QString& username, const QString& exceptId)
{
    for (const User& user : all) {
        if (sameUsername(user.username, username) && (exceptId.isEmpty() || user.id != exceptId))
            return &user;
    }
    return nullptr;
}

AccountRules::AccountRules(
    const User& signedIn, const UserList& all, const QString& reservedAdminUsername)
    : AccountRules(
        signedIn, all,
        [all](const QString& username, const QString& exceptId) -> std::optional<User> {
            if (const User* other = usernameTakenBy(all, username, exceptId))
                return *other;
            return std::nullopt;
        },
        reservedAdminUsername)
{ }

AccountRules::AccountRules(const User& signedIn, const UserList& superusers,
    UsernameLookup findUsername, const QString& reservedAdminUsername)
    : m_signedIn(signedIn)
    , m_findUsername(std::move(findUsername))
    , m_reservedAdmin(reservedAdminUsername)
{
    for (const User& user : superusers) {
        if (!user.isSuperuser || isReservedAdmin(user))
            continue;
        m_superuserIds.insert(identityOf(user));
        if (user.isActive)
            m_activeSuperuserIds.insert(identityOf(user));
    }
}

bool AccountRules::isSelf(const User& account) const
{
    if (!account.id.isEmpty() && !m_signedIn.id.isEmpty())
        return account.id == m_signedIn.id;
    return !account.username.isEmpty() && sameUsername(account.username, m_signedIn.username);
}

bool AccountRules::isReservedAdmin(const User& account) const
{
    return account.kind(m_reservedAdmin) == AccountKind::ReservedAdmin;
}

Verdict AccountRules::canManage() const
{
    if (m_signedIn.isSuperuser || isReservedAdmin(m_signedIn))
        return Verdict::allow();
    return Verdict::refuse(
        tr("%1 is not a super-user: the table is read-only for this account, because only "
           "super-users and the reserved admin account may create, change or delete users.")
            .arg(nameOf(m_signedIn)));
}

Verdict AccountRules::canCreate(const QString& username) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    if (const Verdict valid = validateUsername(username); !valid)
        return valid;
    // The reserved admin may be missing from the list (the server may hide it), yet its
    // name stays taken.
    if (sameUsername(username, m_reservedAdmin)) {
        return Verdict::refuse(tr("“%1” is the reserved admin account's username.").arg(username));
    }
    if (const std::optional<User> other = m_findUsername(username, {})) {
        return Verdict::refuse(
            tr("The username “%1” is taken by the account %2 (usernames ignore case).")
                .arg(username, nameOf(*other)));
    }
    return Verdict::allow();
}

Verdict AccountRules::canGrantSuperuser(const User& target) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    if (isReservedAdmin(target)) {
        return Verdict::refuse(
            tr("%1 is the reserved admin account: its rights are fixed by the control plane.")
                .arg(nameOf(target)));
    }
    if (isSelf(target)) {
        return Verdict::refuse(tr("%1 is your own account: you cannot change your own "
                                  "super-user status; another super-user must do it.")
                                   .arg(nameOf(target)));
    }
    if (target.isSuperuser)
        return Verdict::refuse(tr("%1 is already a super-user.").arg(nameOf(target)));
    return Verdict::allow();
}

Verdict AccountRules::canRevokeSuperuser(const User& target) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    if (!isReservedAdmin(target) && !isSelf(target) && !target.isSuperuser)
        return Verdict::refuse(tr("%1 is not a super-user.").arg(nameOf(target)));
    return canRemoveSuperusers({ target }, Removal::Revoke);
}

Verdict AccountRules::canRevokeSuperuser(const UserList& targets) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    return canRemoveSuperusers(targets, Removal::Revoke);
}

Verdict AccountRules::canDelete(const User& target) const
{
    return canDelete(UserList { target });
}

Verdict AccountRules::canDelete(const UserList& targets) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    return canRemoveSuperusers(targets, Removal::Delete);
}

// Revoke and delete share their guards: neither may touch one's own account or the reserved
// admin, and neither may take away the last super-user row or the last active one.
Verdict AccountRules::canRemoveSuperusers(const UserList& targets, Removal removal) const
{
    if (targets.isEmpty())
        return Verdict::refuse(tr("No account is selected."));

    const bool single = targets.size() == 1;
    QSet<QString> removed;
    QStringList removedNames;
    bool anySuperuser = false;
    for (const User& target : targets) {
        if (isReservedAdmin(target)) {
            if (removal == Removal::Delete) {
                return Verdict::refuse(
                    (single ? tr("%1 is the reserved admin account: the control plane does not "
                                 "allow deleting it.")
                            : tr("The selection contains the reserved admin account %1: the "
                                 "control plane does not allow deleting it."))
                        .arg(nameOf(target)));
            }
            return Verdict::refuse(
                (single ? tr("%1 is the reserved admin account: its rights are fixed by the "
                             "control plane.")
                        : tr("The selection contains the reserved admin account %1: its rights "
                             "are fixed by the control plane."))
                    .arg(nameOf(target)));
        }
        if (isSelf(target)) {
            if (removal == Removal::Delete) {
                return Verdict::refuse(
                    (single ? tr("%1 is your own account: you cannot delete your own account; "
                                 "another super-user must do it.")
                            : tr("The selection contains your own account %1: you cannot "
                                 "delete your own account; another super-user must do it."))
                        .arg(nameOf(target)));
            }
            return Verdict::refuse(
                (single ? tr("%1 is your own account: you cannot change your own super-user "
                             "status; another super-user must do it.")
                        : tr("The selection contains your own account %1: you cannot change "
                             "your own super-user status; another super-user must do it."))
                    .arg(nameOf(target)));
        }

        const QString key = identityOf(target);
        if (m_superuserIds.contains(key) || target.isSuperuser)
            anySuperuser = true;
        if (m_superuserIds.contains(key) && !removed.contains(key)) {
            removed.insert(key);
            removedNames.append(nameOf(target));
        }
    }

    if (removal == Removal::Revoke && !anySuperuser)
        return Verdict::refuse(tr("None of the selected accounts is a super-user."));
    if (removed.isEmpty())
        return Verdict::allow();

    const bool leavesNone = removed.size() >= m_superuserIds.size();
    int activeRemoved = 0;
    for (const QString& key : std::as_const(removed))
        activeRemoved += m_activeSuperuserIds.contains(key) ? 1 : 0;
    const bool leavesNoActive
        = activeRemoved > 0 && activeRemoved >= int(m_activeSuperuserIds.size());
    if (!leavesNone && !leavesNoActive)
        return Verdict::allow();

    const QString verb = removal == Removal::Delete ? tr("deleting") : tr("revoking");
    if (removed.size() == 1) {
        return Verdict::refuse(
            (leavesNone ? tr("%1 is the last super-user: %2 it would leave no one able to "
                             "manage users but the reserved admin, which exists only while "
                             "password sign-in is enabled.")
                        : tr("%1 is the last active super-user: %2 it would leave no one able "
                             "to manage users but the reserved admin, which exists only while "
                             "password sign-in is enabled."))
                .arg(removedNames.first(), verb));
    }
    return Verdict::refuse(
        (leavesNone ? tr("The selection holds every remaining super-user (%1): %2 them all "
                         "would leave no one able to manage users but the reserved admin, "
                         "which exists only while password sign-in is enabled.")
                    : tr("The selection holds every remaining active super-user (%1): %2 them "
                         "all would leave no one able to manage users but the reserved admin, "
                         "which exists only while password sign-in is enabled."))
            .arg(nameList(removedNames), verb));
}

Verdict AccountRules::canResetPassword(const User& target) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    // A reset replaces the password at once: one's own would end one's own sign-in, with the
    // new password shown only once.
    if (isSelf(target)) {
        return Verdict::refuse(tr("%1 is your own account: resetting its password would end "
                                  "your sign-in. Change your own password instead.")
                                   .arg(nameOf(target)));
    }
    switch (target.kind(m_reservedAdmin)) {
    case AccountKind::Sso:
        return Verdict::refuse(tr("%1 signs in through single sign-on: an SSO account has no "
                                  "password to reset.")
                                   .arg(nameOf(target)));
    case AccountKind::ServiceAccount:
        return Verdict::refuse(tr("%1 is a service account: it authenticates with API keys, "
                                  "never with a password.")
                                   .arg(nameOf(target)));
    case AccountKind::Local:
    case AccountKind::ReservedAdmin:
        break;
    }
    return Verdict::allow();
}

Verdict AccountRules::canChangeDisplayName(const User& target, const QString& newName) const
{
    Q_UNUSED(target)
    if (const Verdict manage = canManage(); !manage)
        return manage;
    const QString forbidden = forbiddenCharacterReason(newName, tr("display name"), false);
    if (!forbidden.isEmpty())
        return Verdict::refuse(forbidden);
    if (const qsizetype length = codePointCount(newName); length > maxUsernameLength) {
        return Verdict::refuse(tr("The display name is %1 characters long; the limit is %2.")
                                   .arg(length)
                                   .arg(maxUsernameLength));
    }
    return Verdict::allow();
}

Verdict AccountRules::canChangeUsername(const User& target, const QString& newUsername) const
{
    if (const Verdict manage = canManage(); !manage)
        return manage;
    if (isReservedAdmin(target)) {
        return Verdict::refuse(tr("%1 is the reserved admin account: the control plane does "
                                  "not allow changing its username.")
                                   .arg(nameOf(target)));
    }
    if (const Verdict valid = validateUsername(newUsername); !valid)
        return valid;
    // Renaming to the reserved admin's name would make the account look protected.
    if (sameUsername(newUsername, m_reservedAdmin)) {
        return Verdict::refuse(
            tr("“%1” is the reserved admin account's username.").arg(newUsername));
    }
    if (const std::optional<User> other = m_findUsername(newUsername, target.id)) {
        return Verdict::refuse(
            tr("The username “%1” is taken by the account %2 (usernames ignore case).")
                .arg(newUsername, nameOf(*other)));
    }
    return Verdict::allow();
}

} // namespace zenml::users
