#pragma once

#include "sandbox/UserRecord.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace zenml::sandbox {

// The sandbox's SQLite database: users, bearer tokens (hashed) and a few settings.
// Usernames and e-mails are matched case-insensitively through case-folded key columns.
class UserStore final
{
public:
    UserStore();
    ~UserStore();
    Q_DISABLE_COPY_MOVE(UserStore)

    // Opens (and creates the schema of) the database; an empty path keeps it in memory.
    bool open(const QString& path);
    QString errorString() const { return m_error; }

    static QString usernameKey(const QString& username);

    std::optional<UserRecord> findById(const QString& id) const;
    std::optional<UserRecord> findByUsername(const QString& username) const;
    std::optional<UserRecord> findByEmail(const QString& email) const;
    std::optional<UserRecord> findAdmin() const;

    // insert() fills in seq; several inserts inside transaction()/commit() are fast.
    bool insert(UserRecord& user);
    bool update(const UserRecord& user);
    bool remove(const QString& id);
    bool transaction();
    bool commit();
    void rollback();

    // Users in creation order; email filters case-insensitively when not null.
    QList<UserRecord> page(
        qint64 offset, qint64 limit, const QString& email, bool includeAdmin) const;
    // The same users' compact JSON (userJson()), as kept with each user; nothing when the
    // database failed.
    std::optional<QList<QByteArray>> pageJson(
        qint64 offset, qint64 limit, const QString& email, bool includeAdmin) const;
    qint64 count(const QString& email, bool includeAdmin) const;
    qint64 countNonAdmin() const;

    bool addToken(const QByteArray& tokenHash, const QString& userId, qint64 expiresAtMs);
    // The user a live token belongs to; an expired token is deleted on the way.
    std::optional<QString> tokenOwner(const QByteArray& tokenHash, qint64 nowMs);
    void removeToken(const QByteArray& tokenHash);
    void removeTokensOf(const QString& userId);
    void removeExpiredTokens(qint64 nowMs);

    QString setting(const QString& key) const;
    bool setSetting(const QString& key, const QString& value);

private:
    bool addJsonColumn();
    bool fillJson();
    bool exec(QSqlQuery& query) const;
    std::optional<UserRecord> findOne(const QString& where, const QVariant& value) const;

    QString m_connectionName;
    QSqlDatabase m_db;
    std::optional<QSqlQuery> m_insert;
    mutable QString m_error;
};

} // namespace zenml::sandbox
