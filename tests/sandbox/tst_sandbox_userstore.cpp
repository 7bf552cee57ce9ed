#include "sandbox/ControlPlane.h"
#include "sandbox/UserSeeder.h"
#include "sandbox/UserStore.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace zenml::sandbox;

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

QTEST_GUILESS_MAIN(TestUserStore)
#include "tst_sandbox_userstore.moc"
