// Integration tests of ApiClient against the real sandbox control plane, and against a
// scripted loopback HTTP server for what a real server does not do on demand.

#include "ScriptedHttpServer.h"
#include "controlplane/ApiClient.h"
#include "support/SandboxFixture.h"

#include <QNetworkAccessManager>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace zenml::controlplane;
using zenml::users::User;
using zenml::users::UserList;
using Kind = ApiError::Kind;

Q_DECLARE_METATYPE(ApiError::Kind)

namespace {

const QByteArray kNginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                             "<center><h1>502 Bad Gateway</h1></center>\r\n"
                             "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

// The outcome of a whole listing.
struct Listing
{
    UserList users;
    int pages = 0;
    int finishedCalls = 0;
    ApiError error;
};

} // namespace

class TestApiClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginSucceeds();
    void loginWithWrongPassword();
    void callsWithoutTokenAreUnauthorized();
    void fetchCurrentUser();
    void createdPasswordSurvivesExactly_data();
    void createdPasswordSurvivesExactly();
    void createAnswers201_data();
    void createAnswers201();
    void updateUser();
    void deleteUser();
    void unknownIdIsNotFound();
    void duplicateIsConflict();
    void badInputIsValidation();
    void nonSuperuserIsForbidden();
    void listsEveryUser_data();
    void listsEveryUser();
    void listingStopsOnFailure();
    void listingRefusesARepeatedPage();
    void listingCanBeAborted();
    void htmlErrorPage();
    void htmlOnSuccessIsMalformed();
    void connectionRefused();
    void stalledTransferTimesOut();
    void destructionAbortsQuietly();

private:
    std::unique_ptr<ApiClient> signedInClient(const RunningSandbox& sandbox);
    std::unique_ptr<ApiClient> clientFor(const QUrl& apiRoot);
    Listing listAll(ApiClient& client, int pageSize = 1000);
    User createUser(ApiClient& client, const NewUser& user, ApiError* error = nullptr);
    QString loginToken(ApiClient& client, const QString& username, const QString& password,
        ApiError* error = nullptr);

    QNetworkAccessManager m_network;
    RunningSandbox m_sandbox; // seeded with 20 users, shared by the tests that change little
};

void TestApiClient::initTestCase()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    m_sandbox = startSandbox({ QStringLiteral("--seed"), QStringLiteral("20") });
    QVERIFY2(m_sandbox.isReady(), qPrintable(m_sandbox.error));
}

void TestApiClient::cleanupTestCase()
{
    stopSandbox(m_sandbox);
}

std::unique_ptr<ApiClient> TestApiClient::clientFor(const QUrl& apiRoot)
{
    auto client = std::make_unique<ApiClient>(&m_network);
    client->setApiRoot(apiRoot);
    return client;
}

QString TestApiClient::loginToken(
    ApiClient& client, const QString& username, const QString& password, ApiError* error)
{
    CallbackWaiter<LoginResult, ApiError> login;
    client.login(username, password, login.context(), login.callback());
    if (!login.wait())
        return {};
    if (error)
        *error = login.get<1>();
    return login.get<0>().accessToken;
}

std::unique_ptr<ApiClient> TestApiClient::signedInClient(const RunningSandbox& sandbox)
{
    auto client = clientFor(sandbox.apiRoot);
    client->setAccessToken(loginToken(*client, sandbox.username, sandbox.password));
    return client;
}

User TestApiClient::createUser(ApiClient& client, const NewUser& user, ApiError* error)
{
    CallbackWaiter<User, ApiError> created;
    client.createUser(user, created.context(), created.callback());
    if (!created.wait())
        return {};
    if (error)
        *error = created.get<1>();
    return created.get<0>();
}

Listing TestApiClient::listAll(ApiClient& client, int pageSize)
{
    Listing listing;
    UserListJob* job = client.listUsers(pageSize);
    connect(job, &UserListJob::pageReceived, job, [&listing](const UserList& page) {
        listing.users += page;
        ++listing.pages;
    });
    connect(job, &UserListJob::finished, job, [&listing](const ApiError& error) {
        listing.error = error;
        ++listing.finishedCalls;
    });
    job->start();
    if (!QTest::qWaitFor([&] { return listing.finishedCalls > 0; }, 30000))
        listing.error.message = QStringLiteral("the listing did not finish in 30 s");
    delete job;
    return listing;
}

void TestApiClient::loginSucceeds()
{
    auto client = clientFor(m_sandbox.apiRoot);
    CallbackWaiter<LoginResult, ApiError> login;
    client->login(m_sandbox.username, m_sandbox.password, login.context(), login.callback());
    QVERIFY(login.wait());
    QVERIFY2(!login.get<1>(), qPrintable(login.get<1>().message));
    QVERIFY(!login.get<0>().accessToken.isEmpty());
    QCOMPARE(login.get<0>().tokenType.toLower(), QStringLiteral("bearer"));
    QCOMPARE(login.get<0>().expiresInSeconds, 3600);
    QVERIFY(login.get<0>().expiresAt > QDateTime::currentDateTimeUtc().addSecs(3500));
    // login() hands the token over without keeping it.
    QVERIFY(client->accessToken().isEmpty());
}

void TestApiClient::loginWithWrongPassword()
{
    auto client = clientFor(m_sandbox.apiRoot);
    ApiError error;
    const QString wrong = QStringLiteral("wrong-password-123");
    QVERIFY(loginToken(*client, m_sandbox.username, wrong, &error).isEmpty());
    QCOMPARE(error.kind, Kind::Unauthorized);
    QCOMPARE(error.httpStatus, 401);
    QVERIFY(!error.message.isEmpty());
    QVERIFY(!error.message.contains(wrong));
}

void TestApiClient::callsWithoutTokenAreUnauthorized()
{
    auto client = clientFor(m_sandbox.apiRoot);
    CallbackWaiter<User, ApiError> me;
    client->fetchCurrentUser(me.context(), me.callback());
    QVERIFY(me.wait());
    QCOMPARE(me.get<1>().kind, Kind::Unauthorized);

    client->setAccessToken(QStringLiteral("not-a-token"));
    CallbackWaiter<User, ApiError> again;
    client->fetchCurrentUser(again.context(), again.callback());
    QVERIFY(again.wait());
    QCOMPARE(again.get<1>().kind, Kind::Unauthorized);
    QVERIFY(!again.get<1>().message.contains(QStringLiteral("not-a-token")));
}

void TestApiClient::fetchCurrentUser()
{
    auto client = signedInClient(m_sandbox);
    CallbackWaiter<User, ApiError> me;
    client->fetchCurrentUser(me.context(), me.callback());
    QVERIFY(me.wait());
    QVERIFY2(!me.get<1>(), qPrintable(me.get<1>().message));
    const User user = me.get<0>();
    QCOMPARE(user.username, m_sandbox.username);
    QVERIFY(!user.id.isEmpty());
    QVERIFY(user.isSuperuser);
    QCOMPARE(user.kind(), zenml::users::AccountKind::ReservedAdmin);

    // The same account by id.
    CallbackWaiter<User, ApiError> byId;
    client->fetchUser(user.id, byId.context(), byId.callback());
    QVERIFY(byId.wait());
    QCOMPARE(byId.get<0>(), user);
}

void TestApiClient::createdPasswordSurvivesExactly_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");

    QTest::newRow("form and query delimiters") << "delims"
                                               << "a+b&c=d%20e%f g";
    QTest::newRow("quotes and slashes") << "quotes"
                                        << R"(q"u'o\t/e?#[x])";
    QTest::newRow("surrounding spaces") << "spaces"
                                        << "  padded  password  ";
    QTest::newRow("unicode") << "unicode"
                             << "pässwörd-✓-😀-Ω";
    QTest::newRow("special username") << "o'brien+tag@example.com"
                                      << "Plain-password-1";
}

void TestApiClient::createdPasswordSurvivesExactly()
{
    QFETCH(QString, username);
    QFETCH(QString, password);

    auto admin = signedInClient(m_sandbox);
    ApiError error;
    const User created = createUser(*admin, { username, password, false }, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(created.username, username);
    QVERIFY(!created.id.isEmpty());

    auto client = clientFor(m_sandbox.apiRoot);
    QVERIFY2(!loginToken(*client, username, password, &error).isEmpty(), qPrintable(error.message));

    // A near miss must fail, or the test would prove nothing.
    QVERIFY(loginToken(*client, username, password + QLatin1Char('x'), &error).isEmpty());
    QCOMPARE(error.kind, Kind::Unauthorized);
}

void TestApiClient::createAnswers201_data()
{
    QTest::addColumn<QString>("status");
    QTest::newRow("200") << "200";
    QTest::newRow("201") << "201";
}

void TestApiClient::createAnswers201()
{
    QFETCH(QString, status);
    RunningSandbox sandbox = startSandbox({ QStringLiteral("--seed"), QStringLiteral("1"),
        QStringLiteral("--create-status"), status });
    QVERIFY2(sandbox.isReady(), qPrintable(sandbox.error));

    auto admin = signedInClient(sandbox);
    ApiError error;
    const User created = createUser(
        *admin, { QStringLiteral("newbie"), QStringLiteral("Secret-pw-1"), true }, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(created.username, QStringLiteral("newbie"));
    QVERIFY(created.isSuperuser);
}

void TestApiClient::updateUser()
{
    auto admin = signedInClient(m_sandbox);
    const User created
        = createUser(*admin, { QStringLiteral("to-update"), QStringLiteral("First-pw-1"), false });
    QVERIFY(!created.id.isEmpty());

    UserPatch patch;
    patch.name = QStringLiteral("Updated Name ✓");
    patch.isSuperuser = true;
    CallbackWaiter<User, ApiError> updated;
    admin->updateUser(created.id, patch, updated.context(), updated.callback());
    QVERIFY(updated.wait());
    QVERIFY2(!updated.get<1>(), qPrintable(updated.get<1>().message));
    QCOMPARE(updated.get<0>().id, created.id);
    QCOMPARE(updated.get<0>().name, QStringLiteral("Updated Name ✓"));
    QVERIFY(updated.get<0>().isSuperuser);
    QCOMPARE(updated.get<0>().username, QStringLiteral("to-update"));

    // Only the fields that are set change.
    UserPatch deactivate;
    deactivate.isActive = false;
    CallbackWaiter<User, ApiError> second;
    admin->updateUser(created.id, deactivate, second.context(), second.callback());
    QVERIFY(second.wait());
    QVERIFY2(!second.get<1>(), qPrintable(second.get<1>().message));
    QVERIFY(!second.get<0>().isActive);
    QVERIFY(second.get<0>().isSuperuser);
    QCOMPARE(second.get<0>().name, QStringLiteral("Updated Name ✓"));

    // A password reset: the new password signs in.
    UserPatch reset;
    reset.password = QStringLiteral("Reset+pw &=2");
    reset.isActive = true;
    CallbackWaiter<User, ApiError> third;
    admin->updateUser(created.id, reset, third.context(), third.callback());
    QVERIFY(third.wait());
    QVERIFY2(!third.get<1>(), qPrintable(third.get<1>().message));
    auto client = clientFor(m_sandbox.apiRoot);
    ApiError error;
    QVERIFY2(!loginToken(*client, QStringLiteral("to-update"), *reset.password, &error).isEmpty(),
        qPrintable(error.message));
}

void TestApiClient::deleteUser()
{
    auto admin = signedInClient(m_sandbox);
    const User created
        = createUser(*admin, { QStringLiteral("to-delete"), QStringLiteral("Delete-pw-1"), false });
    QVERIFY(!created.id.isEmpty());

    CallbackWaiter<ApiError> deleted;
    admin->deleteUser(created.id, deleted.context(), deleted.callback());
    QVERIFY(deleted.wait());
    QVERIFY2(!deleted.get<0>(), qPrintable(deleted.get<0>().message));

    CallbackWaiter<User, ApiError> gone;
    admin->fetchUser(created.id, gone.context(), gone.callback());
    QVERIFY(gone.wait());
    QCOMPARE(gone.get<1>().kind, Kind::NotFound);
}

void TestApiClient::unknownIdIsNotFound()
{
    auto admin = signedInClient(m_sandbox);
    const QString unknown = QStringLiteral("00000000-0000-4000-8000-000000000000");

    CallbackWaiter<User, ApiError> fetched;
    admin->fetchUser(unknown, fetched.context(), fetched.callback());
    QVERIFY(fetched.wait());
    QCOMPARE(fetched.get<1>().kind, Kind::NotFound);
    QCOMPARE(fetched.get<1>().httpStatus, 404);

    CallbackWaiter<User, ApiError> updated;
    UserPatch patch;
    patch.name = QStringLiteral("x");
    admin->updateUser(unknown, patch, updated.context(), updated.callback());
    QVERIFY(updated.wait());
    QCOMPARE(updated.get<1>().kind, Kind::NotFound);

    CallbackWaiter<ApiError> deleted;
    admin->deleteUser(unknown, deleted.context(), deleted.callback());
    QVERIFY(deleted.wait());
    QCOMPARE(deleted.get<0>().kind, Kind::NotFound);

    // An id that is not even a UUID still reaches the server as one path segment.
    CallbackWaiter<User, ApiError> odd;
    admin->fetchUser(QStringLiteral("odd/id with spaces?x=1"), odd.context(), odd.callback());
    QVERIFY(odd.wait());
    QVERIFY2(odd.get<1>().kind == Kind::NotFound || odd.get<1>().kind == Kind::Validation,
        qPrintable(odd.get<1>().message));
}

void TestApiClient::duplicateIsConflict()
{
    auto admin = signedInClient(m_sandbox);
    ApiError error;
    createUser(*admin, { QStringLiteral("twice"), QStringLiteral("Twice-pw-1"), false }, &error);
    QVERIFY2(!error, qPrintable(error.message));
    createUser(*admin, { QStringLiteral("TWICE"), QStringLiteral("Twice-pw-2"), false }, &error);
    QCOMPARE(error.kind, Kind::Conflict);
    QCOMPARE(error.httpStatus, 409);
    QVERIFY(!error.message.isEmpty());
    QVERIFY(!error.message.contains(QStringLiteral("Twice-pw-2")));
}

void TestApiClient::badInputIsValidation()
{
    auto admin = signedInClient(m_sandbox);
    ApiError error;
    createUser(*admin, { QString(), QStringLiteral("No-username-1"), false }, &error);
    QCOMPARE(error.kind, Kind::Validation);
    QVERIFY(error.httpStatus == 422 || error.httpStatus == 400);
    QVERIFY2(error.message.contains(QStringLiteral("username")), qPrintable(error.message));
}

void TestApiClient::nonSuperuserIsForbidden()
{
    auto admin = signedInClient(m_sandbox);
    ApiError error;
    createUser(
        *admin, { QStringLiteral("plain-user"), QStringLiteral("Plain-pw-1"), false }, &error);
    QVERIFY2(!error, qPrintable(error.message));

    auto plain = clientFor(m_sandbox.apiRoot);
    plain->setAccessToken(
        loginToken(*plain, QStringLiteral("plain-user"), QStringLiteral("Plain-pw-1"), &error));
    QVERIFY2(!plain->accessToken().isEmpty(), qPrintable(error.message));

    createUser(*plain, { QStringLiteral("by-plain"), QStringLiteral("Plain-pw-2"), false }, &error);
    QCOMPARE(error.kind, Kind::Forbidden);
    QCOMPARE(error.httpStatus, 403);
}

void TestApiClient::listsEveryUser_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("pageSize");
    QTest::addColumn<int>("expected");

    auto seeded = [](int users, bool adminListed) {
        return QStringList { QStringLiteral("--seed"), QString::number(users),
            QStringLiteral("--admin-in-list"),
            adminListed ? QStringLiteral("yes") : QStringLiteral("no") };
    };
    QTest::newRow("only the admin") << seeded(0, true) << 1000 << 1;
    QTest::newRow("nobody") << seeded(0, false) << 1000 << 0;
    QTest::newRow("1") << seeded(1, false) << 1000 << 1;
    QTest::newRow("999 + admin") << seeded(999, true) << 1000 << 1000;
    QTest::newRow("1000") << seeded(1000, false) << 1000 << 1000;
    QTest::newRow("1000 + admin") << seeded(1000, true) << 1000 << 1001;
    QTest::newRow("1001") << seeded(1001, false) << 1000 << 1001;
    QTest::newRow("2500 + admin") << seeded(2500, true) << 1000 << 2501;
    QTest::newRow("small pages") << seeded(250, false) << 100 << 250;
    // CASES.md case 11: the server serves 100 when 1000 are asked for.
    QTest::newRow("server caps pages at 100") << seeded(1050, false)
            + QStringList { QStringLiteral("--max-page-size"), QStringLiteral("100") }
                                              << 1000 << 1050;
    QTest::newRow("envelope") << seeded(1050, false)
            + QStringList { QStringLiteral("--list-shape"), QStringLiteral("envelope") }
                              << 1000 << 1050;
    QTest::newRow("envelope, capped") << seeded(1050, true)
            + QStringList { QStringLiteral("--list-shape"), QStringLiteral("envelope"),
                  QStringLiteral("--max-page-size"), QStringLiteral("100") }
                                      << 1000 << 1051;
}

void TestApiClient::listsEveryUser()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, pageSize);
    QFETCH(int, expected);

    RunningSandbox sandbox = startSandbox(arguments);
    QVERIFY2(sandbox.isReady(), qPrintable(sandbox.error));
    auto client = signedInClient(sandbox);
    QVERIFY(!client->accessToken().isEmpty());

    const Listing listing = listAll(*client, pageSize);
    QCOMPARE(listing.finishedCalls, 1);
    QVERIFY2(!listing.error, qPrintable(listing.error.message));
    QCOMPARE(listing.users.size(), expected);

    QSet<QString> ids;
    for (const User& user : listing.users)
        ids.insert(user.id);
    QCOMPARE(ids.size(), expected);
}

void TestApiClient::listingStopsOnFailure()
{
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = {
        CannedResponse::json(200, "OK", R"([{"id":"a","username":"a"},{"id":"b","username":"b"}])"),
        { 502, "Bad Gateway", "text/html", kNginx502, false },
    };
    auto client = clientFor(server.apiRoot());
    client->setAccessToken(QStringLiteral("token-123"));

    const Listing listing = listAll(*client, 2);
    QCOMPARE(listing.finishedCalls, 1);
    QCOMPARE(listing.pages, 1);
    QCOMPARE(listing.users.size(), 2);
    QCOMPARE(listing.error.kind, Kind::Server);
    QCOMPARE(listing.error.httpStatus, 502);

    // Once the page size is known, up to four pages are asked for at once; the failure still
    // ends the listing with exactly the pages before it.
    QVERIFY(server.requests.size() >= 2 && server.requests.size() <= 5);
    QCOMPARE(server.requests.at(0).target, QByteArray("/api/v1/users?offset=0&limit=2"));
    QCOMPARE(server.requests.at(1).target, QByteArray("/api/v1/users?offset=2&limit=2"));
    QCOMPARE(server.requests.at(1).headers.value("authorization"), QByteArray("Bearer token-123"));
}

void TestApiClient::listingRefusesARepeatedPage()
{
    // A server that ignores the offset would otherwise be paged forever.
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = { CannedResponse::json(200, "OK", R"([{"id":"a"},{"id":"b"}])") };
    auto client = clientFor(server.apiRoot());

    const Listing listing = listAll(*client, 2);
    QCOMPARE(listing.finishedCalls, 1);
    QCOMPARE(listing.error.kind, Kind::Malformed);
    QCOMPARE(listing.users.size(), 2);
    QVERIFY(server.requests.size() >= 2 && server.requests.size() <= 5);
}

void TestApiClient::listingCanBeAborted()
{
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = { { 200, "OK", "application/json", {}, /*silent=*/true } };
    auto client = clientFor(server.apiRoot());

    UserListJob* job = client->listUsers();
    QSignalSpy finished(job, &UserListJob::finished);
    job->start();
    QTRY_COMPARE(server.requests.size(), 1);
    job->abort();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).value<ApiError>().kind, Kind::Cancelled);
    QVERIFY(job->isFinished());
    job->abort();
    QTest::qWait(50);
    QCOMPARE(finished.size(), 1);
    delete job;
}

void TestApiClient::htmlErrorPage()
{
    // CASES.md case 9: a proxy's HTML page becomes a readable error.
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = { { 502, "Bad Gateway", "text/html", kNginx502, false } };
    auto client = clientFor(server.apiRoot());

    const Listing listing = listAll(*client);
    QCOMPARE(listing.finishedCalls, 1);
    QCOMPARE(listing.pages, 0);
    QCOMPARE(listing.error.kind, Kind::Server);
    QCOMPARE(listing.error.httpStatus, 502);
    QCOMPARE(listing.error.message,
        QStringLiteral("The server answered 502 Bad Gateway: 502 Bad Gateway nginx/1.22.1"));

    CallbackWaiter<LoginResult, ApiError> login;
    client->login(QStringLiteral("admin"), QStringLiteral("pw"), login.context(), login.callback());
    QVERIFY(login.wait());
    QCOMPARE(login.get<1>().kind, Kind::Server);
}

void TestApiClient::htmlOnSuccessIsMalformed()
{
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = { { 200, "OK", "text/html", "<html><body>Welcome</body></html>", false } };
    auto client = clientFor(server.apiRoot());

    CallbackWaiter<User, ApiError> me;
    client->fetchCurrentUser(me.context(), me.callback());
    QVERIFY(me.wait());
    QCOMPARE(me.get<1>().kind, Kind::Malformed);
    QVERIFY2(
        me.get<1>().message.contains(QStringLiteral("Welcome")), qPrintable(me.get<1>().message));
}

void TestApiClient::connectionRefused()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    auto client = clientFor(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1").arg(port)));
    CallbackWaiter<LoginResult, ApiError> login;
    client->login(
        QStringLiteral("admin"), QStringLiteral("secret-pw"), login.context(), login.callback());
    QVERIFY(login.wait());
    QCOMPARE(login.get<1>().kind, Kind::Network);
    QCOMPARE(login.get<1>().httpStatus, 0);
    QVERIFY2(login.get<1>().message.contains(QStringLiteral("refused")),
        qPrintable(login.get<1>().message));
}

void TestApiClient::stalledTransferTimesOut()
{
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = { { 200, "OK", "application/json", {}, /*silent=*/true } };
    auto client = clientFor(server.apiRoot());
    client->setTimeout(std::chrono::milliseconds(300));

    CallbackWaiter<User, ApiError> me;
    client->fetchCurrentUser(me.context(), me.callback());
    QVERIFY(me.wait());
    QCOMPARE(me.get<1>().kind, Kind::Network);
    QVERIFY2(
        me.get<1>().message.contains(QStringLiteral("timed out")), qPrintable(me.get<1>().message));
}

void TestApiClient::destructionAbortsQuietly()
{
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.script = { { 200, "OK", "application/json", {}, /*silent=*/true } };
    auto client = clientFor(server.apiRoot());

    CallbackWaiter<User, ApiError> me;
    client->fetchCurrentUser(me.context(), me.callback());
    CallbackWaiter<User, ApiError> aborted;
    client->fetchUser(QStringLiteral("x"), aborted.context(), aborted.callback());
    QTRY_COMPARE(server.requests.size(), 2);

    // abortAll() reports each request as cancelled...
    client->abortAll();
    QCOMPARE(me.calls(), 1);
    QCOMPARE(me.get<1>().kind, Kind::Cancelled);
    QCOMPARE(aborted.calls(), 1);

    // ...while destroying the client drops the callbacks.
    CallbackWaiter<User, ApiError> dropped;
    client->fetchCurrentUser(dropped.context(), dropped.callback());
    QTRY_COMPARE(server.requests.size(), 3);
    client.reset();
    QTest::qWait(50);
    QCOMPARE(dropped.calls(), 0);
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_api_client.moc"
