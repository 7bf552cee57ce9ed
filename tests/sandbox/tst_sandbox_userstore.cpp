#include "sandbox/ControlPlane.h"
#include "sandbox/UserJson.h"
#include "sandbox/UserSeeder.h"
#include "sandbox/UserStore.h"

#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace zenml::sandbox;

using UserChange = std::function<void(UserRecord&)>;
Q_DECLARE_METATYPE(UserChange)

namespace {

UserRecord localUser(const QString& username)
{
    UserRecord user;
    user.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    user.username = username;
    user.passwordHash = QStringLiteral("pbkdf2-sha256$1$c2FsdA==$a2V5");
    user.created = QStringLiteral("2024-01-01T00:00:00.000Z");
    user.updated = user.created;
    return user;
}

// What the listing must serve: each user of the page serialised afresh from its columns.
QList<QByteArray> freshJson(
    const UserStore& store, qint64 offset, qint64 limit, const QString& email, bool includeAdmin)
{
    QList<QByteArray> items;
    const QList<UserRecord> users = store.page(offset, limit, email, includeAdmin);
    for (const UserRecord& user : users)
        items.append(compactUserJson(user));
    return items;
}

// A second connection to a database file, as another program (sqlite3, an older build) has.
class RawConnection final
{
public:
    explicit RawConnection(const QString& path)
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        m_db.open();
    }
    ~RawConnection()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(RawConnection)

    bool exec(const QString& statement)
    {
        QSqlQuery query(m_db);
        if (query.exec(statement))
            return true;
        qWarning() << statement << query.lastError().text();
        return false;
    }
    QVariant value(const QString& statement)
    {
        QSqlQuery query(m_db);
        return query.exec(statement) && query.next() ? query.value(0) : QVariant();
    }

private:
    const QString m_name = QStringLiteral("raw");
    QSqlDatabase m_db;
};

} // namespace

class TestUserStore final : public QObject
{
    Q_OBJECT

private slots:
    void insertAndFind();
    void usernamesAreCaseInsensitivelyUnique();
    void nullsStayNull();
    void pagesInCreationOrder();
    void tokensExpire();
    void settings();
    void persistsInAFile();
    void seederIsDeterministic();
    void seederMakesRealisticAccounts();
    void jsonFollowsEveryWrite_data();
    void jsonFollowsEveryWrite();
    void pageJsonMatchesPage();
    void olderDatabaseGetsJson();
    void writesAroundTheStoreAreNotServedStale();
    void otherSerialiserRewritesJson();
};

void TestUserStore::insertAndFind()
{
    UserStore store;
    QVERIFY2(store.open(QString()), qPrintable(store.errorString()));
    UserRecord user = localUser(QStringLiteral("Alice"));
    user.email = QStringLiteral("Alice@Example.com");
    QVERIFY(store.insert(user));
    QVERIFY(user.seq > 0);

    QCOMPARE(store.findById(user.id)->username, QStringLiteral("Alice"));
    QCOMPARE(store.findById(user.id.toUpper())->id, user.id);
    QCOMPARE(store.findByUsername(QStringLiteral("ALICE"))->id, user.id);
    QCOMPARE(store.findByEmail(QStringLiteral("alice@example.COM"))->id, user.id);
    QVERIFY(!store.findByUsername(QStringLiteral("bob")));
    QVERIFY(!store.findAdmin());

    user.name = QStringLiteral("Alice A.");
    user.isSuperuser = true;
    QVERIFY(store.update(user));
    QCOMPARE(store.findById(user.id)->name, QStringLiteral("Alice A."));
    QVERIFY(store.findById(user.id)->isSuperuser);

    QVERIFY(store.remove(user.id));
    QVERIFY(!store.findById(user.id));
    QVERIFY(!store.remove(user.id));
}

void TestUserStore::usernamesAreCaseInsensitivelyUnique()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    // Simple Unicode case folding: non-ASCII letters fold too ("ß" and "SS" stay apart).
    UserRecord first = localUser(QStringLiteral("Ärger"));
    QVERIFY(store.insert(first));
    UserRecord second = localUser(QStringLiteral("äRGER"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"database statement failed"_qs));
    QVERIFY(!store.insert(second));
}

void TestUserStore::nullsStayNull()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    UserRecord user = localUser(QStringLiteral("n"));
    user.passwordHash = QString();
    user.company = QStringLiteral("");
    QVERIFY(store.insert(user));
    const UserRecord read = *store.findById(user.id);
    QVERIFY(read.name.isNull());
    QVERIFY(read.email.isNull());
    QVERIFY(read.passwordHash.isNull());
    QVERIFY(read.oauthProvider.isNull());
    QVERIFY(!read.company.isNull());
    QCOMPARE(read.metadata, QByteArray("{}"));
}

void TestUserStore::pagesInCreationOrder()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    QStringList ids;
    for (int i = 0; i < 30; ++i) {
        UserRecord user = localUser(QStringLiteral("user%1").arg(i));
        user.isAdmin = i == 0;
        user.email = i % 3 == 0 ? QStringLiteral("shared@example.com") : QString();
        QVERIFY(store.insert(user));
        ids.append(user.id);
    }
    QCOMPARE(store.count(QString(), true), 30);
    QCOMPARE(store.countNonAdmin(), 29);
    QCOMPARE(store.count(QStringLiteral("SHARED@example.com"), true), 10);
    QCOMPARE(store.count(QStringLiteral("shared@example.com"), false), 9);

    const QList<UserRecord> page = store.page(5, 10, QString(), true);
    QCOMPARE(page.size(), 10);
    for (int i = 0; i < page.size(); ++i)
        QCOMPARE(page.at(i).id, ids.at(5 + i));
    QCOMPARE(store.page(0, 1, QString(), false).first().id, ids.at(1));
    QCOMPARE(store.page(28, 10, QString(), true).size(), 2);
    QCOMPARE(store.page(100, 10, QString(), true).size(), 0);

    // A delete leaves the others in their place; new users go last.
    QVERIFY(store.remove(ids.at(3)));
    UserRecord late = localUser(QStringLiteral("late"));
    QVERIFY(store.insert(late));
    const QList<UserRecord> all = store.page(0, 100, QString(), true);
    QCOMPARE(all.at(3).id, ids.at(4));
    QCOMPARE(all.last().id, late.id);
}

void TestUserStore::tokensExpire()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    QVERIFY(store.addToken("live", QStringLiteral("u1"), 2000));
    QVERIFY(store.addToken("other", QStringLiteral("u1"), 2000));
    QCOMPARE(store.tokenOwner("live", 1000).value_or(QString()), QStringLiteral("u1"));
    QVERIFY(!store.tokenOwner("live", 2000));
    QVERIFY(!store.tokenOwner("live", 1000)); // deleted on the way
    QVERIFY(!store.tokenOwner("unknown", 0));
    store.removeTokensOf(QStringLiteral("u1"));
    QVERIFY(!store.tokenOwner("other", 1000));
}

void TestUserStore::settings()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    QVERIFY(store.setting(QStringLiteral("k")).isEmpty());
    QVERIFY(store.setSetting(QStringLiteral("k"), QStringLiteral("v1")));
    QVERIFY(store.setSetting(QStringLiteral("k"), QStringLiteral("v2")));
    QCOMPARE(store.setting(QStringLiteral("k")), QStringLiteral("v2"));
}

void TestUserStore::persistsInAFile()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("users.sqlite"));
    UserRecord user = localUser(QStringLiteral("kept"));
    {
        UserStore store;
        QVERIFY(store.open(path));
        QVERIFY(store.insert(user));
    }
    UserStore store;
    QVERIFY(store.open(path));
    QCOMPARE(store.findByUsername(QStringLiteral("kept"))->id, user.id);

    UserStore broken;
    QVERIFY(!broken.open(directory.filePath(QStringLiteral("missing/dir/users.sqlite"))));
    QVERIFY(!broken.errorString().isEmpty());
}

void TestUserStore::seederIsDeterministic()
{
    UserSeeder first(42, QStringLiteral("hash"));
    UserSeeder second(42, QStringLiteral("hash"));
    UserSeeder other(43, QStringLiteral("hash"));
    bool differs = false;
    for (int i = 0; i < 200; ++i) {
        const UserRecord a = first.next();
        const UserRecord b = second.next();
        const UserRecord c = other.next();
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.username, b.username);
        QCOMPARE(a.email, b.email);
        QCOMPARE(a.created, b.created);
        QCOMPARE(a.isSuperuser, b.isSuperuser);
        differs = differs || a.username != c.username;
    }
    QVERIFY(differs);
}

void TestUserStore::seederMakesRealisticAccounts()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    UserSeeder seeder(1, QStringLiteral("shared-hash"));
    seeder.reserveUsername(QStringLiteral("admin"));
    QVERIFY(seeder.seed(store, 5000));
    const QList<UserRecord> users = store.page(0, 10000, QString(), true);
    QCOMPARE(users.size(), 5000);

    int local = 0, sso = 0, service = 0, super = 0, inactive = 0, expired = 0;
    QSet<QString> usernames;
    QSet<QString> emails;
    for (const UserRecord& user : users) {
        usernames.insert(user.username.toCaseFolded());
        if (!user.email.isNull())
            emails.insert(user.email.toCaseFolded());
        QVERIFY(!user.isAdmin);
        QVERIFY(!QUuid::fromString(user.id).isNull());
        QVERIFY2(!ControlPlane::usernameProblem(user.username), qPrintable(user.username));
        super += user.isSuperuser;
        inactive += !user.isActive;
        if (user.isServiceAccount) {
            ++service;
            QVERIFY(user.username.startsWith(u"ci-bot-"));
            QVERIFY(user.passwordHash.isNull());
        } else if (!user.oauthProvider.isNull()) {
            ++sso;
            QCOMPARE(user.username, user.email);
            QVERIFY(!user.oauthId.isEmpty());
            QVERIFY(user.passwordHash.isNull());
            QVERIFY(!user.passwordExpired);
        } else {
            ++local;
            QCOMPARE(user.passwordHash, QStringLiteral("shared-hash"));
            expired += user.passwordExpired;
        }
    }
    QCOMPARE(usernames.size(), 5000);
    QVERIFY(!usernames.contains(u"admin"_qs));
    QCOMPARE(emails.size(), local + sso);
    QVERIFY(local > 2800 && local < 3700);
    QVERIFY(sso > 1000 && sso < 1700);
    QVERIFY(service > 250 && service < 600);
    QVERIFY(super > 40 && super < 200);
    QVERIFY(inactive > 100 && inactive < 350);
    QVERIFY(expired > 250 && expired < 750);
}

void TestUserStore::jsonFollowsEveryWrite_data()
{
    QTest::addColumn<UserChange>("change");
    QTest::addColumn<QByteArray>("shows");
    QTest::newRow("display name") << UserChange([](UserRecord& u) { u.name = u"Bö B."_qs; })
                                  << QByteArray("\"name\":\"Bö B.\"");
    QTest::newRow("display name cleared")
        << UserChange([](UserRecord& u) { u.name = QString(); }) << QByteArray("\"name\":null");
    QTest::newRow("username") << UserChange([](UserRecord& u) { u.username = u"Robert"_qs; })
                              << QByteArray("\"username\":\"Robert\"");
    QTest::newRow("e-mail") << UserChange([](UserRecord& u) { u.email = u"b@example.org"_qs; })
                            << QByteArray("\"email\":\"b@example.org\"");
    QTest::newRow("super-user granted") << UserChange([](UserRecord& u) { u.isSuperuser = true; })
                                        << QByteArray("\"is_superuser\":true");
    QTest::newRow("super-user revoked") << UserChange([](UserRecord& u) { u.isSuperuser = false; })
                                        << QByteArray("\"is_superuser\":false");
    QTest::newRow("deactivated") << UserChange([](UserRecord& u) { u.isActive = false; })
                                 << QByteArray("\"is_active\":false");
    QTest::newRow("password reset") << UserChange([](UserRecord& u) {
        u.passwordHash = u"pbkdf2-sha256$1$bmV3$bmV3"_qs;
        u.passwordExpired = true;
    }) << QByteArray("\"password_expired\":true");
    QTest::newRow("password renewed")
        << UserChange([](UserRecord& u) { u.passwordExpired = false; })
        << QByteArray("\"password_expired\":false");
    QTest::newRow("SSO") << UserChange([](UserRecord& u) {
        u.oauthProvider = u"oidc"_qs;
        u.oauthId = u"abc"_qs;
        u.passwordHash = QString();
    }) << QByteArray("\"oauth_id\":\"abc\",\"oauth_provider\":\"oidc\"");
    QTest::newRow("metadata") << UserChange([](UserRecord& u) { u.metadata = "{\"team\":\"x\"}"; })
                              << QByteArray("\"metadata\":{\"team\":\"x\"}");
    QTest::newRow("organisation") << UserChange([](UserRecord& u) { u.organizationId = u"org"_qs; })
                                  << QByteArray("\"organization_id\":\"org\"");
    QTest::newRow("updated") << UserChange([](UserRecord& u) {
        u.updated = u"2025-02-03T04:05:06.007Z"_qs;
    }) << QByteArray("\"updated\":\"2025-02-03T04:05:06.007Z\"");
}

// Whatever a write changes, the listed JSON is the user's as serialised afresh.
void TestUserStore::jsonFollowsEveryWrite()
{
    QFETCH(UserChange, change);
    QFETCH(QByteArray, shows);
    UserStore store;
    QVERIFY(store.open(QString()));
    UserRecord before = localUser(QStringLiteral("before"));
    UserRecord user = localUser(QStringLiteral("bob"));
    user.name = QStringLiteral("Bob");
    user.email = QStringLiteral("bob@example.com");
    // Each row starts from the state its change leaves.
    const QByteArray tag = QTest::currentDataTag();
    user.passwordExpired = tag == "password renewed";
    user.isSuperuser = tag == "super-user revoked";
    UserRecord after = localUser(QStringLiteral("after"));
    QVERIFY(store.insert(before));
    QVERIFY(store.insert(user));
    QVERIFY(store.insert(after));
    const QByteArray old = store.pageJson(1, 1, QString(), true)->value(0);
    QCOMPARE(old, compactUserJson(user));

    change(user);
    QVERIFY(store.update(user));
    const QList<QByteArray> page = *store.pageJson(0, 10, QString(), true);
    QCOMPARE(page.size(), 3);
    QCOMPARE(page.at(1), compactUserJson(*store.findById(user.id)));
    QCOMPARE(page.at(1), compactUserJson(user));
    QVERIFY2(page.at(1).contains(shows), page.at(1));
    QVERIFY(page.at(1) != old);
    QCOMPARE(page, freshJson(store, 0, 10, QString(), true));

    QVERIFY(store.remove(user.id));
    QCOMPARE(*store.pageJson(0, 10, QString(), true),
        QList<QByteArray>({ compactUserJson(before), compactUserJson(after) }));
}

// Every filter and window of the listing gives the same users as page(), as their JSON.
void TestUserStore::pageJsonMatchesPage()
{
    UserStore store;
    QVERIFY(store.open(QString()));
    UserRecord admin = localUser(QStringLiteral("admin"));
    admin.isAdmin = true;
    admin.isSuperuser = true;
    QVERIFY(store.insert(admin));
    UserSeeder seeder(3, QStringLiteral("hash"));
    seeder.reserveUsername(QStringLiteral("admin"));
    QVERIFY(seeder.seed(store, 1000));
    const QString email = store.page(500, 1, QString(), false).first().email;
    QVERIFY(!email.isNull());

    for (const bool includeAdmin : { true, false }) {
        for (const auto& [offset, limit] :
            { std::pair(0, 1000), std::pair(0, 1), std::pair(1, 999), std::pair(999, 10),
                std::pair(1000, 10), std::pair(1001, 10), std::pair(5000, 10) }) {
            const QList<QByteArray> listed
                = *store.pageJson(offset, limit, QString(), includeAdmin);
            QCOMPARE(listed, freshJson(store, offset, limit, QString(), includeAdmin));
        }
        QCOMPARE(store.pageJson(0, 10, email.toUpper(), includeAdmin)->size(), 1);
        QCOMPARE(*store.pageJson(0, 10, email.toUpper(), includeAdmin),
            freshJson(store, 0, 10, email, includeAdmin));
    }
    QCOMPARE(store.pageJson(0, 10, QStringLiteral("nobody@example.com"), true)->size(), 0);
    // The admin's JSON shows it as a super-user whatever its column says.
    QVERIFY(store.pageJson(0, 1, QString(), true)->first().contains("\"is_superuser\":true"));
}

// A database file made before the JSON cache existed gets the column, filled, when opened.
void TestUserStore::olderDatabaseGetsJson()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("older.sqlite"));
    {
        RawConnection raw(path);
        QVERIFY(raw.exec(QStringLiteral(
            "CREATE TABLE users (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
            " username TEXT NOT NULL, username_key TEXT NOT NULL UNIQUE, name TEXT, email TEXT,"
            " email_key TEXT, password_hash TEXT, password_expired INTEGER NOT NULL DEFAULT 0,"
            " is_active INTEGER NOT NULL DEFAULT 1, is_superuser INTEGER NOT NULL DEFAULT 0,"
            " is_service_account INTEGER NOT NULL DEFAULT 0, is_admin INTEGER NOT NULL DEFAULT 0,"
            " oauth_provider TEXT, oauth_id TEXT, avatar_url TEXT, company TEXT, job_title TEXT,"
            " metadata TEXT NOT NULL DEFAULT '{}', organization_id TEXT,"
            " created TEXT NOT NULL, updated TEXT NOT NULL)")));
        QVERIFY(raw.exec(QStringLiteral(
            "INSERT INTO users (id, username, username_key, name, email, email_key,"
            " password_expired, is_admin, metadata, created, updated) VALUES"
            " ('00000000-0000-4000-8000-00000000000a', 'admin', 'admin', NULL, NULL, NULL, 0, 1,"
            " '{}', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'),"
            " ('00000000-0000-4000-8000-00000000000b', 'Émile', 'émile', 'Émile Z.',"
            " 'e@example.com', 'e@example.com', 1, 0, '{\"team\":\"vision\"}',"
            " '2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z')")));
    }

    UserStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    const QList<QByteArray> listed = *store.pageJson(0, 10, QString(), true);
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed, freshJson(store, 0, 10, QString(), true));
    QVERIFY(listed.at(1).contains(u"\"name\":\"Émile Z.\""_qs.toUtf8()));

    RawConnection raw(path);
    QCOMPARE(raw.value(QStringLiteral("SELECT COUNT(*) FROM users WHERE json IS NULL")).toInt(), 0);
}

// SQL run on the database file by another program cannot make the listing serve old JSON: a
// change of a shown column forgets the JSON, such users are serialised when listed, and the
// next open writes their JSON.
void TestUserStore::writesAroundTheStoreAreNotServedStale()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("users.sqlite"));
    UserRecord alice = localUser(QStringLiteral("alice"));
    UserRecord bob = localUser(QStringLiteral("bob"));
    {
        UserStore store;
        QVERIFY(store.open(path));
        QVERIFY(store.insert(alice));
        QVERIFY(store.insert(bob));
        const QByteArray bobBefore = store.pageJson(1, 1, QString(), true)->value(0);

        RawConnection raw(path);
        QVERIFY(raw.exec(
            QStringLiteral("UPDATE users SET name = 'Edited', is_superuser = 1 WHERE seq = 1")));
        QVERIFY(raw.exec(QStringLiteral("UPDATE users SET password_hash = 'other' WHERE seq = 2")));
        QVERIFY(raw.exec(
            QStringLiteral("INSERT INTO users (id, username, username_key, created, updated) VALUES"
                           " ('00000000-0000-4000-8000-00000000000c', 'carol', 'carol',"
                           " '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')")));
        // Only the shown change forgets the JSON.
        QCOMPARE(
            raw.value(QStringLiteral("SELECT json IS NULL FROM users WHERE seq = 1")).toInt(), 1);
        QCOMPARE(raw.value(QStringLiteral("SELECT json FROM users WHERE seq = 2")).toByteArray(),
            bobBefore);

        const QList<QByteArray> listed = *store.pageJson(0, 10, QString(), true);
        QCOMPARE(listed.size(), 3);
        QCOMPARE(listed, freshJson(store, 0, 10, QString(), true));
        QVERIFY(listed.at(0).contains("\"name\":\"Edited\""));
        QVERIFY(listed.at(0).contains("\"is_superuser\":true"));
        QVERIFY(listed.at(2).contains("\"username\":\"carol\""));
    }

    UserStore store;
    QVERIFY(store.open(path));
    QCOMPARE(*store.pageJson(0, 10, QString(), true), freshJson(store, 0, 10, QString(), true));
    RawConnection raw(path);
    QCOMPARE(raw.value(QStringLiteral("SELECT COUNT(*) FROM users WHERE json IS NULL")).toInt(), 0);
}

// JSON written by a build whose serialiser wrote something else is rewritten when opened.
void TestUserStore::otherSerialiserRewritesJson()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("users.sqlite"));
    {
        UserStore store;
        QVERIFY(store.open(path));
        UserRecord user = localUser(QStringLiteral("kept"));
        QVERIFY(store.insert(user));
        RawConnection raw(path);
        QVERIFY(raw.exec(QStringLiteral("UPDATE users SET json = '{\"old\":true}'")));
        QCOMPARE(store.pageJson(0, 10, QString(), true)->value(0), QByteArray("{\"old\":true}"));
        // The fingerprint of that other serialiser (the key is the store's own).
        QVERIFY(store.setSetting(QStringLiteral("user_json_fingerprint"), QStringLiteral("older")));
    }
    UserStore store;
    QVERIFY(store.open(path));
    const QList<QByteArray> listed = *store.pageJson(0, 10, QString(), true);
    QCOMPARE(listed, freshJson(store, 0, 10, QString(), true));
    QVERIFY(listed.value(0).contains("\"username\":\"kept\""));
}

QTEST_GUILESS_MAIN(TestUserStore)
#include "tst_sandbox_userstore.moc"
