#include "sandbox/UserStore.h"

#include "sandbox/SandboxLog.h"
#include "sandbox/UserJson.h"

#include <QAtomicInteger>
#include <QSqlError>
#include <QSqlRecord>
#include <QStringList>
#include <QVariant>

namespace zenml::sandbox {

namespace {

// The column order recordFrom() reads.
const QString UserColumns = QStringLiteral(
    "seq, id, username, name, email, password_hash, password_expired, is_active, is_superuser, "
    "is_service_account, is_admin, oauth_provider, oauth_id, avatar_url, company, job_title, "
    "metadata, organization_id, created, updated");

const char* const Schema[] = {
    // AUTOINCREMENT keeps seq from being reused after a delete, so creation order is stable.
    "CREATE TABLE IF NOT EXISTS users ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " username TEXT NOT NULL,"
    " username_key TEXT NOT NULL UNIQUE,"
    " name TEXT, email TEXT, email_key TEXT, password_hash TEXT,"
    " password_expired INTEGER NOT NULL DEFAULT 0,"
    " is_active INTEGER NOT NULL DEFAULT 1,"
    " is_superuser INTEGER NOT NULL DEFAULT 0,"
    " is_service_account INTEGER NOT NULL DEFAULT 0,"
    " is_admin INTEGER NOT NULL DEFAULT 0,"
    " oauth_provider TEXT, oauth_id TEXT, avatar_url TEXT, company TEXT, job_title TEXT,"
    " metadata TEXT NOT NULL DEFAULT '{}',"
    " organization_id TEXT,"
    " created TEXT NOT NULL, updated TEXT NOT NULL,"
    // The user's compact JSON as the API shows it (userJson()), written with every insert and
    // update, so that a page of users is served by concatenation. NULL: not known (a row
    // written around the store); it is then serialised when read and filled at the next open.
    " json BLOB)",
    // seq is the rowid already; this narrow copy lets a page's OFFSET be counted without
    // stepping over the wide rows (with their JSON), five times faster at 100,000 users.
    "CREATE INDEX IF NOT EXISTS users_by_seq ON users(seq)",
    "CREATE INDEX IF NOT EXISTS users_by_email ON users(email_key, seq)",
    "CREATE INDEX IF NOT EXISTS users_by_admin ON users(is_admin, seq)",
    "CREATE TABLE IF NOT EXISTS tokens ("
    " token_hash BLOB PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens(user_id)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

// The columns userJson() reads.
const QString JsonSourceColumns = QStringLiteral(
    "id, username, name, email, password_expired, is_active, is_superuser, is_service_account, "
    "is_admin, oauth_provider, oauth_id, avatar_url, company, job_title, metadata, "
    "organization_id, created, updated");

const QString JsonFingerprintSetting = QStringLiteral("user_json_fingerprint");

// What depends on the JSON column, created once the column exists (an older database gets it
// by ALTER TABLE). The trigger: a write that changes what the API shows of a user but not its
// JSON (an older build, or SQL typed into the database file) forgets the JSON, so the cache is
// never stale. The partial index finds the users whose JSON is to be written, normally none.
QStringList jsonSchema()
{
    QStringList newValues, oldValues;
    for (const QString& column : JsonSourceColumns.split(QStringLiteral(", "))) {
        newValues.append(QStringLiteral("NEW.") + column);
        oldValues.append(QStringLiteral("OLD.") + column);
    }
    return { QStringLiteral("CREATE INDEX IF NOT EXISTS users_without_json ON users(seq)"
                            " WHERE json IS NULL"),
        QStringLiteral("CREATE TRIGGER IF NOT EXISTS users_json_stale AFTER UPDATE ON users"
                       " WHEN NEW.json IS OLD.json AND (%1) IS NOT (%2)"
                       " BEGIN UPDATE users SET json = NULL WHERE seq = NEW.seq; END")
            .arg(newValues.join(QStringLiteral(", ")), oldValues.join(QStringLiteral(", "))) };
}

QVariant nullable(const QString& text)
{
    return text.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QString textAt(const QSqlQuery& query, int column)
{
    return query.isNull(column) ? QString() : query.value(column).toString();
}

UserRecord recordFrom(const QSqlQuery& query)
{
    UserRecord user;
    user.seq = query.value(0).toLongLong();
    user.id = query.value(1).toString();
    user.username = query.value(2).toString();
    user.name = textAt(query, 3);
    user.email = textAt(query, 4);
    user.passwordHash = textAt(query, 5);
    user.passwordExpired = query.value(6).toBool();
    user.isActive = query.value(7).toBool();
    user.isSuperuser = query.value(8).toBool();
    user.isServiceAccount = query.value(9).toBool();
    user.isAdmin = query.value(10).toBool();
    user.oauthProvider = textAt(query, 11);
    user.oauthId = textAt(query, 12);
    user.avatarUrl = textAt(query, 13);
    user.company = textAt(query, 14);
    user.jobTitle = textAt(query, 15);
    user.metadata = query.value(16).toString().toUtf8();
    user.organizationId = textAt(query, 17);
    user.created = query.value(18).toString();
    user.updated = query.value(19).toString();
    return user;
}

// Binds every column but seq, by position, in the order of the insert and update statements;
// the last is the user's JSON, so no write of a user leaves it behind.
void bindUser(QSqlQuery& query, const UserRecord& user)
{
    query.bindValue(0, user.id);
    query.bindValue(1, user.username);
    query.bindValue(2, UserStore::usernameKey(user.username));
    query.bindValue(3, nullable(user.name));
    query.bindValue(4, nullable(user.email));
    query.bindValue(
        5, user.email.isNull() ? nullable(QString()) : QVariant(user.email.toCaseFolded()));
    query.bindValue(6, nullable(user.passwordHash));
    query.bindValue(7, int(user.passwordExpired));
    query.bindValue(8, int(user.isActive));
    query.bindValue(9, int(user.isSuperuser));
    query.bindValue(10, int(user.isServiceAccount));
    query.bindValue(11, int(user.isAdmin));
    query.bindValue(12, nullable(user.oauthProvider));
    query.bindValue(13, nullable(user.oauthId));
    query.bindValue(14, nullable(user.avatarUrl));
    query.bindValue(15, nullable(user.company));
    query.bindValue(16, nullable(user.jobTitle));
    query.bindValue(17, QString::fromUtf8(user.metadata));
    query.bindValue(18, nullable(user.organizationId));
    query.bindValue(19, user.created);
    query.bindValue(20, user.updated);
    query.bindValue(21, compactUserJson(user));
}

// The WHERE clause of a listing: the users with an e-mail (bound as :email), and the
// reserved admin or not.
QString listFilter(const QString& email, bool includeAdmin)
{
    QString where;
    if (!email.isNull())
        where = QStringLiteral(" WHERE email_key = :email");
    if (!includeAdmin)
        where += (where.isEmpty() ? QStringLiteral(" WHERE") : QStringLiteral(" AND"))
            + QStringLiteral(" is_admin = 0");
    return where;
}

} // namespace

UserStore::UserStore()
{
    static QAtomicInteger<int> instances;
    m_connectionName = QStringLiteral("zenml-sandbox-%1").arg(instances.fetchAndAddRelaxed(1));
}

UserStore::~UserStore()
{
    // Every query must be gone before the connection is removed.
    m_insert.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString UserStore::usernameKey(const QString& username)
{
    return username.toCaseFolded();
}

bool UserStore::open(const QString& path)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path.isEmpty() ? QStringLiteral(":memory:") : path);
    if (!m_db.open()) {
        m_error = QStringLiteral("cannot open the database %1: %2")
                      .arg(path.isEmpty() ? QStringLiteral("(in memory)") : path,
                          m_db.lastError().text());
        return false;
    }

    QSqlQuery pragma(m_db);
    pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    pragma.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    pragma.exec(QStringLiteral("PRAGMA foreign_keys=ON"));

    for (const char* statement : Schema) {
        QSqlQuery query(m_db);
        if (!query.exec(QString::fromLatin1(statement))) {
            m_error = QStringLiteral("cannot create the schema: ") + query.lastError().text();
            return false;
        }
    }

    if (!addJsonColumn())
        return false;
    for (const QString& statement : jsonSchema()) {
        QSqlQuery query(m_db);
        if (!query.exec(statement)) {
            m_error = QStringLiteral("cannot create the schema: ") + query.lastError().text();
            return false;
        }
    }

    m_insert.emplace(m_db);
    const bool prepared = m_insert->prepare(QStringLiteral(
        "INSERT INTO users (id, username, username_key, name, email, email_key, password_hash,"
        " password_expired, is_active, is_superuser, is_service_account, is_admin,"
        " oauth_provider, oauth_id, avatar_url, company, job_title, metadata, organization_id,"
        " created, updated, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?)"));
    if (!prepared) {
        m_error = QStringLiteral("cannot prepare the insert: ") + m_insert->lastError().text();
        return false;
    }
    return fillJson();
}

// A database made by a build without the JSON cache lacks its column.
bool UserStore::addJsonColumn()
{
    QSqlQuery columns(m_db);
    columns.setForwardOnly(true);
    if (!columns.exec(QStringLiteral("PRAGMA table_info(users)"))) {
        m_error = QStringLiteral("cannot read the schema: ") + columns.lastError().text();
        return false;
    }
    while (columns.next()) {
        if (columns.value(1).toString() == u"json")
            return true;
    }
    QSqlQuery alter(m_db);
    if (!alter.exec(QStringLiteral("ALTER TABLE users ADD COLUMN json BLOB"))) {
        m_error = QStringLiteral("cannot add the JSON column: ") + alter.lastError().text();
        return false;
    }
    qCInfo(lcSandbox) << "added the users' JSON column to an older database";
    return true;
}

// Serialises the users whose JSON is missing, or every user when the JSON was written by a
// build whose serialiser writes something else, in batches of creation order.
bool UserStore::fillJson()
{
    const QString fingerprint = QString::fromUtf8(userJsonFingerprint());
    const bool all = setting(JsonFingerprintSetting) != fingerprint;
    if (!transaction()) {
        m_error = QStringLiteral("cannot fill the users' JSON: ") + m_db.lastError().text();
        return false;
    }

    QSqlQuery read(m_db);
    read.setForwardOnly(true);
    read.prepare(QStringLiteral("SELECT ") + UserColumns + QStringLiteral(" FROM users WHERE")
        + (all ? QString() : QStringLiteral(" json IS NULL AND"))
        + QStringLiteral(" seq > ? ORDER BY seq LIMIT 1000"));
    QSqlQuery write(m_db);
    write.prepare(QStringLiteral("UPDATE users SET json = ? WHERE seq = ?"));
    qint64 filled = 0;
    for (qint64 after = 0;;) {
        read.bindValue(0, after);
        if (!exec(read)) {
            rollback();
            return false;
        }
        QList<QPair<qint64, QByteArray>> batch;
        while (read.next()) {
            const UserRecord user = recordFrom(read);
            batch.append({ user.seq, compactUserJson(user) });
        }
        read.finish();
        if (batch.isEmpty())
            break;
        for (const auto& [seq, json] : std::as_const(batch)) {
            write.bindValue(0, json);
            write.bindValue(1, seq);
            if (!exec(write)) {
                rollback();
                return false;
            }
        }
        filled += batch.size();
        after = batch.constLast().first;
    }
    if (!setSetting(JsonFingerprintSetting, fingerprint) || !commit()) {
        rollback();
        return false;
    }
    if (filled > 0)
        qCInfo(lcSandbox, "wrote the JSON of %lld user(s)", filled);
    return true;
}

bool UserStore::exec(QSqlQuery& query) const
{
    if (query.exec())
        return true;
    m_error = query.lastError().text();
    qCWarning(lcSandbox) << "database statement failed:" << m_error;
    return false;
}

std::optional<UserRecord> UserStore::findOne(const QString& where, const QVariant& value) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") + UserColumns + QStringLiteral(" FROM users WHERE ")
        + where + QStringLiteral(" ORDER BY seq LIMIT 1"));
    query.bindValue(0, value);
    if (!exec(query) || !query.next())
        return std::nullopt;
    return recordFrom(query);
}

std::optional<UserRecord> UserStore::findById(const QString& id) const
{
    return findOne(QStringLiteral("id = ?"), id.toLower());
}

std::optional<UserRecord> UserStore::findByUsername(const QString& username) const
{
    return findOne(QStringLiteral("username_key = ?"), usernameKey(username));
}

std::optional<UserRecord> UserStore::findByEmail(const QString& email) const
{
    return findOne(QStringLiteral("email_key = ?"), email.toCaseFolded());
}

std::optional<UserRecord> UserStore::findAdmin() const
{
    return findOne(QStringLiteral("is_admin = ?"), 1);
}

bool UserStore::insert(UserRecord& user)
{
    bindUser(*m_insert, user);
    const bool inserted = exec(*m_insert);
    if (inserted)
        user.seq = m_insert->lastInsertId().toLongLong();
    m_insert->finish();
    return inserted;
}

bool UserStore::update(const UserRecord& user)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("UPDATE users SET id = ?, username = ?, username_key = ?,"
                                 " name = ?, email = ?, email_key = ?, password_hash = ?,"
                                 " password_expired = ?, is_active = ?,"
                                 " is_superuser = ?, is_service_account = ?,"
                                 " is_admin = ?, oauth_provider = ?, oauth_id = ?,"
                                 " avatar_url = ?, company = ?, job_title = ?,"
                                 " metadata = ?, organization_id = ?, created = ?,"
                                 " updated = ?, json = ? WHERE seq = ?"));
    bindUser(query, user);
    query.bindValue(22, user.seq);
    return exec(query);
}

bool UserStore::remove(const QString& id)
{
    removeTokensOf(id);
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("DELETE FROM users WHERE id = ?"));
    query.bindValue(0, id);
    return exec(query) && query.numRowsAffected() == 1;
}

bool UserStore::transaction()
{
    return m_db.transaction();
}

bool UserStore::commit()
{
    return m_db.commit();
}

void UserStore::rollback()
{
    m_db.rollback();
}

QList<UserRecord> UserStore::page(
    qint64 offset, qint64 limit, const QString& email, bool includeAdmin) const
{
    const QString where = listFilter(email, includeAdmin);

    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") + UserColumns + QStringLiteral(" FROM users") + where
        + QStringLiteral(" ORDER BY seq LIMIT :limit OFFSET :offset"));
    if (!email.isNull())
        query.bindValue(QStringLiteral(":email"), email.toCaseFolded());
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);

    QList<UserRecord> users;
    if (!exec(query))
        return users;
    users.reserve(int(qMin<qint64>(limit, 1000)));
    while (query.next())
        users.append(recordFrom(query));
    return users;
}

std::optional<QList<QByteArray>> UserStore::pageJson(
    qint64 offset, qint64 limit, const QString& email, bool includeAdmin) const
{
    const QString where = listFilter(email, includeAdmin);

    // The inner SELECT counts the offset in a narrow index (by seq, e-mail or admin), not by
    // stepping over the wide rows; only the page's own rows are then read.
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT seq, json FROM users WHERE seq IN (SELECT seq FROM users")
        + where + QStringLiteral(" ORDER BY seq LIMIT :limit OFFSET :offset) ORDER BY seq"));
    if (!email.isNull())
        query.bindValue(QStringLiteral(":email"), email.toCaseFolded());
    query.bindValue(QStringLiteral(":limit"), limit);
    query.bindValue(QStringLiteral(":offset"), offset);
    if (!exec(query))
        return std::nullopt;

    QList<QByteArray> items;
    items.reserve(qMin<qint64>(limit, 1000));
    while (query.next()) {
        if (!query.isNull(1)) {
            items.append(query.value(1).toByteArray());
            continue;
        }
        // Written around the store since it was opened: serialised now.
        const std::optional<UserRecord> user
            = findOne(QStringLiteral("seq = ?"), query.value(0).toLongLong());
        if (!user)
            return std::nullopt;
        items.append(compactUserJson(*user));
    }
    return items;
}

qint64 UserStore::count(const QString& email, bool includeAdmin) const
{
    const QString where = listFilter(email, includeAdmin);
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT COUNT(*) FROM users") + where);
    if (!email.isNull())
        query.bindValue(QStringLiteral(":email"), email.toCaseFolded());
    if (!exec(query) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

qint64 UserStore::countNonAdmin() const
{
    return count(QString(), false);
}

bool UserStore::addToken(const QByteArray& tokenHash, const QString& userId, qint64 expiresAtMs)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("INSERT INTO tokens (token_hash, user_id, expires_at)"
                                 " VALUES (?, ?, ?)"));
    query.bindValue(0, tokenHash);
    query.bindValue(1, userId);
    query.bindValue(2, expiresAtMs);
    return exec(query);
}

std::optional<QString> UserStore::tokenOwner(const QByteArray& tokenHash, qint64 nowMs)
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT user_id, expires_at FROM tokens WHERE token_hash = ?"));
    query.bindValue(0, tokenHash);
    if (!exec(query) || !query.next())
        return std::nullopt;
    const QString userId = query.value(0).toString();
    const qint64 expiresAt = query.value(1).toLongLong();
    query.finish();
    if (expiresAt <= nowMs) {
        removeToken(tokenHash);
        return std::nullopt;
    }
    return userId;
}

void UserStore::removeToken(const QByteArray& tokenHash)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("DELETE FROM tokens WHERE token_hash = ?"));
    query.bindValue(0, tokenHash);
    exec(query);
}

void UserStore::removeTokensOf(const QString& userId)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("DELETE FROM tokens WHERE user_id = ?"));
    query.bindValue(0, userId);
    exec(query);
}

void UserStore::removeExpiredTokens(qint64 nowMs)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("DELETE FROM tokens WHERE expires_at <= ?"));
    query.bindValue(0, nowMs);
    exec(query);
}

QString UserStore::setting(const QString& key) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    query.bindValue(0, key);
    if (!exec(query) || !query.next())
        return QString();
    return query.value(0).toString();
}

bool UserStore::setSetting(const QString& key, const QString& value)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"));
    query.bindValue(0, key);
    query.bindValue(1, value);
    return exec(query);
}

} // namespace zenml::sandbox
