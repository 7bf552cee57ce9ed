#include "UserRow.h"

namespace zenml::users {

UserRow UserRow::pack(const User& user)
{
    UserRow row;
    const QString foldedUsername = user.username.toCaseFolded();
    const QString foldedName = user.name.toCaseFolded();
    const QString foldedEmail = user.email.toCaseFolded();
    // Folding that changes nothing returns the same shared string: stored once.
    const auto onlyIfChanged = [](const QString& folded, const QString& original) {
        return folded.isSharedWith(original) || folded == original ? QString() : folded;
    };
    const QString texts[FieldCount] = { user.id, user.username, user.name, user.email,
        user.oauthProvider, user.oauthId, onlyIfChanged(foldedUsername, user.username),
        onlyIfChanged(foldedName, user.name), onlyIfChanged(foldedEmail, user.email) };

    qsizetype length = 0;
    for (const QString& text : texts)
        length += text.size();
    row.m_text.reserve(length);
    for (int which = 0; which < FieldCount; ++which) {
        row.m_text += texts[which];
        row.m_end[which] = quint32(row.m_text.size());
    }
    row.m_text.squeeze();

    row.m_flags = (user.isActive ? Active : 0) | (user.isSuperuser ? Superuser : 0)
        | (user.isServiceAccount ? ServiceAccount : 0)
        | (user.passwordExpired ? PasswordExpired : 0) | (user.isSso() ? Sso : 0);
    return row;
}

User UserRow::unpack() const
{
    // An empty text comes back null, as the decoder makes a missing or null field.
    const auto text = [this](Field which) {
        const QStringView view = field(which);
        return view.isEmpty() ? QString() : view.toString();
    };
    User user;
    user.id = text(Id);
    user.username = text(Username);
    user.name = text(Name);
    user.email = text(Email);
    user.oauthProvider = text(OauthProvider);
    user.oauthId = text(OauthId);
    user.isActive = isActive();
    user.isSuperuser = isSuperuser();
    user.isServiceAccount = isServiceAccount();
    user.passwordExpired = passwordExpired();
    return user;
}

PreparedUsers PreparedUsers::prepare(UserList users)
{
    PreparedUsers prepared;
    prepared.rows.reserve(users.size());
    for (const User& user : std::as_const(users))
        prepared.rows.append(UserRow::pack(user));
    prepared.users = std::move(users);
    return prepared;
}

} // namespace zenml::users
