#pragma once

#include "User.h"

#include <QList>
#include <QString>

namespace zenml::users {

// What sorting and searching need of a user: its texts case-folded once. Folding costs about
// as much as decoding the user, so it is done where a page is decoded, away from the GUI
// thread. A text that folding leaves unchanged shares the user's own string.
struct FoldedUserTexts
{
    QString username;
    QString name;
    QString email;

    static FoldedUserTexts of(const User& user);
};

// Users ready to be placed in a UserTableModel: the accounts and their folded texts, side by
// side. Prepared on any thread.
struct PreparedUsers
{
    UserList users;
    QList<FoldedUserTexts> folded;

    static PreparedUsers prepare(UserList users);
    qsizetype size() const { return users.size(); }
    bool isEmpty() const { return users.isEmpty(); }
};

} // namespace zenml::users
