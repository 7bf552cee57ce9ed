#include "PreparedUsers.h"

namespace zenml::users {

FoldedUserTexts FoldedUserTexts::of(const User& user)
{
    return { user.username.toCaseFolded(), user.name.toCaseFolded(), user.email.toCaseFolded() };
}

PreparedUsers PreparedUsers::prepare(UserList users)
{
    PreparedUsers prepared;
    prepared.folded.reserve(users.size());
    for (const User& user : std::as_const(users))
        prepared.folded.append(FoldedUserTexts::of(user));
    prepared.users = std::move(users);
    return prepared;
}

} // namespace zenml::users
