// ApiClient against a sandbox control plane that misbehaves on purpose (SandboxFault): every
// fault must end in a typed error with a message fit for a person, and nothing else. Real HTTP
// on loopback, the sandbox in-process so that each test sets its own faults.

#include "ScriptedHttpServer.h"
#include "controlplane/ApiClient.h"
#include "sandbox/SandboxServer.h"
// ApiHelper.h ignores a [[nodiscard]] result; that file belongs to the shared test support.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-result"
#include "support/ApiHelper.h"
#include "support/SandboxFaults.h"
#pragma GCC diagnostic pop

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace zenml::controlplane;
using zenml::sandbox::SandboxFault;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::users::User;
using zenml::users::UserList;
using Kind = ApiError::Kind;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(ApiError::Kind)

namespace {

const QString kAdminPassword = QStringLiteral("admin-secret-pw");

struct Listing
{
    UserList users;
    int pages = 0;
    int finishedCalls = 0;
    ApiError error;
};

} // namespace

class TestFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void defaults();
    void latencyWithinTheTimeoutIsFine();
    void latencyBeyondTheTimeoutTimesOut();
    void slowBodyKeepsTheTimeoutAlive();
    void brokenAnswers_data();
    void brokenAnswers();
    void rateLimitedWaitsOnceThenRetries();
    void rateLimitedTwiceIsReported();
    void rateLimitedTooLongIsReportedAtOnce();
    void abortAllCancelsAWaitingRetry();
    void hugeBodyIsRefused_data();
    void hugeBodyIsRefused();
    void invalidUtf8BecomesReplacementCharacters();
    void sameOriginRedirectIsFollowed();
    void crossOriginRedirectIsRefused();
    void listingThatFailsHalfwayIsNotComplete();
    void lostCreateAnswerCanBeCheckedFor();
    void findUserIgnoresCase();

private:
    Listing listAll(ApiClient& client, int pageSize = 1000);
    User fetchMe(ApiClient& client, ApiError* error);

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<ApiHelper> m_admin;
    QString m_token;
};

void TestFaults::init()
{
    SandboxOptions options;
    options.adminPassword = kAdminPassword;
    options.passwordIterations = 1000;
    options.seedCount = 30;
    m_server = std::make_unique<SandboxServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_admin = std::make_unique<ApiHelper>(m_server->apiRoot());
    QVERIFY(m_admin->signIn(m_server->adminUsername(), kAdminPassword));
    m_token = m_admin->client()->accessToken();
}

void TestFaults::cleanup()
{
    m_admin.reset();
    m_server.reset();
}

Listing TestFaults::listAll(ApiClient& client, int pageSize)
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

User TestFaults::fetchMe(ApiClient& client, ApiError* error)
{
    CallbackWaiter<User, ApiError> me;
    client.fetchCurrentUser(me.context(), me.callback());
    if (!me.wait(30000)) {
        error->message = QStringLiteral("no answer in 30 s");
        return {};
    }
    *error = me.get<1>();
    return me.get<0>();
}

void TestFaults::defaults()
{
    QNetworkAccessManager network;
    ApiClient client(&network);
    QCOMPARE(client.timeout(), 30000ms);
    QCOMPARE(client.maxBodyBytes(), 64LL * 1024 * 1024);
    QCOMPARE(client.maxRetryAfter(), 60s);
}

void TestFaults::latencyWithinTheTimeoutIsFine()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: delay=600")));
    m_admin->client()->setTimeout(3000ms);
    QElapsedTimer clock;
    clock.start();
    ApiError error;
    const User me = fetchMe(*m_admin->client(), &error);
    QVERIFY2(!error, qPrintable(error.message));
    QVERIFY(clock.elapsed() >= 550);
    QCOMPARE(me.username, m_server->adminUsername());
}

void TestFaults::latencyBeyondTheTimeoutTimesOut()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: delay=3000")));
    m_admin->client()->setTimeout(400ms);
    ApiError error;
    fetchMe(*m_admin->client(), &error);
    QCOMPARE(error.kind, Kind::Network);
    QVERIFY2(error.message.contains(QStringLiteral("timed out")), qPrintable(error.message));
    QVERIFY(!error.message.contains(m_token));
}

// The timeout counts silence, not the whole transfer: a body that keeps arriving, however
// slowly, is waited for.
void TestFaults::slowBodyKeepsTheTimeoutAlive()
{
    m_server->addFault(fault(QStringLiteral("GET /users: trickle=150")));
    m_admin->client()->setTimeout(500ms);
    QElapsedTimer clock;
    clock.start();
    const Listing listing = listAll(*m_admin->client());
    QVERIFY2(!listing.error, qPrintable(listing.error.message));
    QVERIFY2(clock.elapsed() > 900, "the body should have taken eight pieces of 150 ms");
    QCOMPARE(listing.users.size(), 31);
}

void TestFaults::brokenAnswers_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");

    // GET is idempotent: Qt sends it once more on a fresh connection after an early close,
    // so the drop faults repeat.
    QTest::newRow("dropped before the answer")
        << "GET /users/me: drop=start,times=always" << Kind::Network << 0
        << "closed the connection before answering";
    QTest::newRow("dropped before the body") << "GET /users/me: drop=headers,times=always"
                                             << Kind::Network << 200 << "closed the connection";
    QTest::newRow("dropped in the middle of the body")
        << "GET /users/me: drop=mid-body,times=always" << Kind::Network << 200
        << "in the middle of its answer";
    QTest::newRow("500 with a plain-text body")
        << "GET /users/me: status=500,type=text/plain,body=Traceback (most recent call last): "
           "KeyError"
        << Kind::Server << 500 << "500 Internal Server Error: Traceback";
    QTest::newRow("502 nginx page") << "GET /users/me: status=502,nginx" << Kind::Server << 502
                                    << "502 Bad Gateway: 502 Bad Gateway nginx/1.22.1";
    QTest::newRow("504 nginx page") << "GET /users/me: status=504,nginx" << Kind::Server << 504
                                    << "504 Gateway Timeout: 504 Gateway Time-out nginx";
    QTest::newRow("500 claiming JSON but HTML")
        << "GET /users/me: status=500,type=application/json,body=<html><b>oops</b></html>"
        << Kind::Server << 500 << "oops";
    QTest::newRow("truncated JSON")
        << "GET /users/me: truncate=half" << Kind::Malformed << 200 << "not valid JSON";
    QTest::newRow("empty JSON body")
        << "GET /users/me: truncate=0" << Kind::Malformed << 200 << "not valid JSON";
    QTest::newRow("HTML instead of JSON")
        << "GET /users/me: status=200,type=text/html,body=<h1>Welcome to nginx!</h1>"
        << Kind::Malformed << 200 << "Welcome to nginx!";
    QTest::newRow("redirect loop")
        << "GET /users/me: redirect,times=always" << Kind::Server << 307 << "not followed";
}

void TestFaults::brokenAnswers()
{
    QFETCH(QString, spec);
    QFETCH(Kind, kind);
    QFETCH(int, status);
    QFETCH(QString, says);

    m_server->addFault(fault(spec));
    ApiError error;
    fetchMe(*m_admin->client(), &error);
    QVERIFY2(error.kind == kind,
        qPrintable(ApiError::kindName(error.kind) + QStringLiteral(": ") + error.message));
    QCOMPARE(error.httpStatus, status);
    QVERIFY2(error.message.contains(says), qPrintable(error.message));
    QVERIFY(!error.message.contains(m_token));
    QVERIFY(!error.message.contains(u'<'));

    // The client is fine afterwards.
    m_server->clearFaults();
    fetchMe(*m_admin->client(), &error);
    QVERIFY2(!error, qPrintable(error.message));
}

void TestFaults::rateLimitedWaitsOnceThenRetries()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: status=429,retry-after=1")));
    QElapsedTimer clock;
    clock.start();
    ApiError error;
    const User me = fetchMe(*m_admin->client(), &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(me.username, m_server->adminUsername());
    QVERIFY2(clock.elapsed() >= 950, "the retry must wait for Retry-After");
}

void TestFaults::rateLimitedTwiceIsReported()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: status=429,retry-after=1,times=2")));
    ApiError error;
    fetchMe(*m_admin->client(), &error);
    QCOMPARE(error.kind, Kind::RateLimited);
    QCOMPARE(error.httpStatus, 429);
    QCOMPARE(error.retryAfterSeconds, 1);
    QVERIFY2(
        error.message.contains(QStringLiteral("Try again in 1 second")), qPrintable(error.message));
    // Exactly one retry: the third request is served normally.
    fetchMe(*m_admin->client(), &error);
    QVERIFY2(!error, qPrintable(error.message));
}

void TestFaults::rateLimitedTooLongIsReportedAtOnce()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: status=429,retry-after=600")));
    QElapsedTimer clock;
    clock.start();
    ApiError error;
    fetchMe(*m_admin->client(), &error);
    QCOMPARE(error.kind, Kind::RateLimited);
    QCOMPARE(error.retryAfterSeconds, 600);
    QVERIFY(clock.elapsed() < 5000);

    // Without a Retry-After there is nothing to wait for either.
    m_server->addFault(fault(QStringLiteral("GET /users/me: status=429")));
    fetchMe(*m_admin->client(), &error);
    QCOMPARE(error.kind, Kind::RateLimited);
    QCOMPARE(error.retryAfterSeconds, 0);
}

void TestFaults::abortAllCancelsAWaitingRetry()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: status=429,retry-after=30")));
    CallbackWaiter<User, ApiError> me;
    m_admin->client()->fetchCurrentUser(me.context(), me.callback());
    QTest::qWait(500); // the 429 has arrived; the retry waits
    QCOMPARE(me.calls(), 0);
    m_admin->client()->abortAll();
    QCOMPARE(me.calls(), 1);
    QCOMPARE(me.get<1>().kind, Kind::Cancelled);
    QVERIFY(m_server->faults().isEmpty());
}

void TestFaults::hugeBodyIsRefused_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<QString>("says");
    QTest::newRow("announced, default limit")
        << "GET /users: huge=100M" << qint64(0) << "more than 64 MB";
    QTest::newRow("arriving, 4 MB limit")
        << "GET /users: huge=50M" << qint64(4 * 1024 * 1024) << "more than 4 MB";
    QTest::newRow("no length, 4 MB limit")
        << "GET /users: huge=50M,no-length" << qint64(4 * 1024 * 1024) << "more than 4 MB";
}

void TestFaults::hugeBodyIsRefused()
{
    QFETCH(QString, spec);
    QFETCH(qint64, limit);
    QFETCH(QString, says);
    if (limit > 0)
        m_admin->client()->setMaxBodyBytes(limit);
    m_server->addFault(fault(spec));

    QElapsedTimer clock;
    clock.start();
    const Listing listing = listAll(*m_admin->client());
    QCOMPARE(listing.finishedCalls, 1);
    QCOMPARE(listing.pages, 0);
    QCOMPARE(listing.error.kind, Kind::Malformed);
    QVERIFY2(listing.error.message.contains(says), qPrintable(listing.error.message));
    qInfo() << spec << "refused after" << clock.elapsed() << "ms";

    // Under the limit, the same kind of body is read.
    m_admin->client()->setMaxBodyBytes(8 * 1024 * 1024);
    m_server->addFault(fault(QStringLiteral("GET /users: huge=2M")));
    const Listing big = listAll(*m_admin->client(), 20000);
    QVERIFY2(!big.error, qPrintable(big.error.message));
    QVERIFY(big.users.size() > 10000);
}

void TestFaults::invalidUtf8BecomesReplacementCharacters()
{
    m_server->addFault(fault(QStringLiteral("GET /users: bad-utf8=username")));
    const Listing listing = listAll(*m_admin->client());
    QVERIFY2(!listing.error, qPrintable(listing.error.message));
    QCOMPARE(listing.users.size(), 31);
    for (const User& user : listing.users) {
        QVERIFY2(user.username.startsWith(QStringLiteral("\ufffd(\ufffd\ufffd\ufffd\ufffd")),
            qPrintable(user.username));
        QVERIFY(user.username.size() > 6);
        QVERIFY(QString::fromUtf8(user.username.toUtf8()) == user.username);
    }

    // In an error's detail too.
    SandboxFault badDetail;
    badDetail.path = QStringLiteral("/users/me");
    badDetail.status = 400;
    badDetail.body = "{\"detail\":\"bad \xff\xfe name\"}";
    m_server->addFault(badDetail);
    ApiError error;
    fetchMe(*m_admin->client(), &error);
    QCOMPARE(error.kind, Kind::Validation);
    QVERIFY2(error.message.contains(QStringLiteral("bad")), qPrintable(error.message));
}

void TestFaults::sameOriginRedirectIsFollowed()
{
    m_server->addFault(fault(QStringLiteral("GET /users/me: redirect")));
    ApiError error;
    const User me = fetchMe(*m_admin->client(), &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(me.username, m_server->adminUsername()); // the token went along: same origin

    m_server->addFault(fault(QStringLiteral("GET /users: redirect,status=308")));
    const Listing listing = listAll(*m_admin->client());
    QVERIFY2(!listing.error, qPrintable(listing.error.message));
    QCOMPARE(listing.users.size(), 31);
}

// Neither the token nor a password may reach another origin through a redirect.
void TestFaults::crossOriginRedirectIsRefused()
{
    ScriptedHttpServer elsewhere;
    QVERIFY(elsewhere.start());
    elsewhere.script = { CannedResponse::json(200, "OK", R"({"id":"x","username":"evil"})") };
    const QString origin = QStringLiteral("http://127.0.0.1:%1").arg(elsewhere.serverPort());

    m_server->addFault(fault(QStringLiteral("GET /users/me: redirect=") + origin));
    ApiError error;
    fetchMe(*m_admin->client(), &error);
    QCOMPARE(error.kind, Kind::Server);
    QCOMPARE(error.httpStatus, 307);
    QVERIFY2(error.message.contains(QStringLiteral("another server")), qPrintable(error.message));
    QVERIFY2(error.message.contains(origin), qPrintable(error.message));

    // A create carries its password in the query string.
    const QString password = QStringLiteral("Very-secret-initial-1");
    m_server->addFault(fault(QStringLiteral("POST /users: redirect=") + origin));
    CallbackWaiter<User, ApiError> created;
    m_admin->client()->createUser(
        { QStringLiteral("mallory"), password, false }, created.context(), created.callback());
    QVERIFY(created.wait());
    QCOMPARE(created.get<1>().kind, Kind::Server);
    QVERIFY(!created.get<1>().message.contains(password));

    QTest::qWait(100);
    QCOMPARE(elsewhere.requests.size(), 0);
}

void TestFaults::listingThatFailsHalfwayIsNotComplete()
{
    m_server->addFault(fault(QStringLiteral("GET /users: skip=1,drop=mid-body,times=always")));
    const Listing listing = listAll(*m_admin->client(), 10);
    QCOMPARE(listing.finishedCalls, 1);
    QCOMPARE(listing.error.kind, Kind::Network);
    QVERIFY(listing.users.size() < 31);
    QVERIFY2(listing.error.message.contains(QStringLiteral("in the middle")),
        qPrintable(listing.error.message));
}

// The answer to a create is lost after the server created the account: the account can be
// found, so that the program never creates it twice.
void TestFaults::lostCreateAnswerCanBeCheckedFor()
{
    m_server->addFault(fault(QStringLiteral("POST /users: drop=start")));
    const QString password = QStringLiteral("Lost-answer-pass-1");
    CallbackWaiter<User, ApiError> created;
    m_admin->client()->createUser(
        { QStringLiteral("Lost.Answer"), password, false }, created.context(), created.callback());
    QVERIFY(created.wait());
    // Qt's HTTP layer sends a request once more by itself when the connection closed before
    // any answer, POST included: the second one then meets the account the first one made.
    QVERIFY2(created.get<1>().kind == Kind::Network || created.get<1>().kind == Kind::Conflict,
        qPrintable(created.get<1>().message));
    QVERIFY(!created.get<1>().message.contains(password));

    CallbackWaiter<std::optional<User>, ApiError> found;
    m_admin->client()->findUserByUsername(
        QStringLiteral("lost.answer"), found.context(), found.callback());
    QVERIFY(found.wait());
    QVERIFY2(!found.get<1>(), qPrintable(found.get<1>().message));
    QVERIFY(found.get<0>().has_value());
    QCOMPARE(found.get<0>()->username, QStringLiteral("Lost.Answer"));

    // The same request again is a conflict: the create did happen, once.
    CallbackWaiter<User, ApiError> again;
    m_admin->client()->createUser(
        { QStringLiteral("Lost.Answer"), password, false }, again.context(), again.callback());
    QVERIFY(again.wait());
    QCOMPARE(again.get<1>().kind, Kind::Conflict);

    // And the create timing out does the same.
    m_server->addFault(fault(QStringLiteral("POST /users: delay=3000")));
    m_admin->client()->setTimeout(500ms);
    CallbackWaiter<User, ApiError> slow;
    m_admin->client()->createUser(
        { QStringLiteral("slow-one"), password, false }, slow.context(), slow.callback());
    QVERIFY(slow.wait());
    QCOMPARE(slow.get<1>().kind, Kind::Network);
    m_admin->client()->setTimeout(30s);
    CallbackWaiter<std::optional<User>, ApiError> foundSlow;
    m_admin->client()->findUserByUsername(
        QStringLiteral("SLOW-ONE"), foundSlow.context(), foundSlow.callback());
    QVERIFY(foundSlow.wait());
    QVERIFY(foundSlow.get<0>().has_value());
}

void TestFaults::findUserIgnoresCase()
{
    CallbackWaiter<std::optional<User>, ApiError> none;
    m_admin->client()->findUserByUsername(
        QStringLiteral("nobody-here"), none.context(), none.callback());
    QVERIFY(none.wait());
    QVERIFY(!none.get<1>());
    QVERIFY(!none.get<0>().has_value());

    CallbackWaiter<std::optional<User>, ApiError> admin;
    m_admin->client()->findUserByUsername(
        m_server->adminUsername().toUpper(), admin.context(), admin.callback());
    QVERIFY(admin.wait());
    QVERIFY(admin.get<0>().has_value());
    QCOMPARE(admin.get<0>()->username, m_server->adminUsername());

    // A listing that fails is an error, not "none". (Always: a page request of the search
    // above may still reach the server after its answer.)
    m_server->addFault(fault(QStringLiteral("GET /users: status=502,nginx,times=always")));
    CallbackWaiter<std::optional<User>, ApiError> failed;
    m_admin->client()->findUserByUsername(
        QStringLiteral("nobody-here"), failed.context(), failed.callback());
    QVERIFY(failed.wait());
    QCOMPARE(failed.get<1>().kind, Kind::Server);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
