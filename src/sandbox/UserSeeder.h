#pragma once

#include "sandbox/UserRecord.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSet>
#include <QString>

namespace zenml::sandbox {

class UserStore;

// Makes realistic accounts: mostly local users, some SSO accounts, some service accounts,
// a few super-users, a few inactive ones, some with an expired password. The same seed
// always gives the same accounts, ids included.
class UserSeeder final
{
public:
    UserSeeder(quint32 seed, QString passwordHash);

    // Usernames the seeder must not hand out (the admin's, for one).
    void reserveUsername(const QString& username);
    UserRecord next();

    // Inserts count accounts in one transaction; false (and nothing inserted) on failure.
    bool seed(UserStore& store, int count);

private:
    QString uniqueHandle(const QString& base);
    QString uuid();
    QString hex(int bytes);
    bool chance(int percent);
    template <typename T, qsizetype N> const T& pick(const T (&items)[N])
    {
        return items[m_random.bounded(int(N))];
    }

    QRandomGenerator m_random;
    QString m_passwordHash;
    QSet<QString> m_takenKeys;
    QHash<QString, int> m_nextSuffix;
    qint64 m_index = 0;
};

} // namespace zenml::sandbox
