// CASES.md 13: a 401 in the middle of a session (an expired or revoked token) leads to one
// sign-in again and one retry of the refused request; never a loop.

#include "controlplane/ApiClient.h"
#include "sandbox/SandboxServer.h"
#include "session/Session.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using zenml::controlplane::ApiError;
using zenml::controlplane::UserListJob;
using zenml::sandbox::SandboxFault;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::session::Session;

class TestReauthentication final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void thirdRequestRefusedSignsInAgainOnce();
    void expiredTokenIsRenewed();
    void secondRefusalEndsTheRequest();
    void failedSignInAgainEndsTheSession();

private:
    void signIn();
    // Lists every user; returns the listing's error.
    ApiError list(int* count = nullptr);

    std::unique_ptr<SandboxServer> m_server;
    QNetworkAccessManager m_network;
    std::unique_ptr<Session> m_session;
    SandboxOptions m_options;
};

void TestReauthentication::init()
{
    m_options = {};
    m_options.adminPassword = QStringLiteral("reauth-admin-password");
    m_options.passwordIterations = 1000;
    m_options.seedCount = 30;
}

void TestReauthentication::cleanup()
{
    m_session.reset();
    m_server.reset();
}

void TestReauthentication::signIn()
{
    m_server = std::make_unique<SandboxServer>(m_options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_session = std::make_unique<Session>(&m_network);
    QSignalSpy signedIn(m_session.get(), &Session::signedIn);
    m_session->signIn(m_server->apiRoot(), Session::Method::Password, m_server->adminUsername(),
        m_server->adminPassword());
    QVERIFY(signedIn.wait(10000));
}

ApiError TestReauthentication::list(int* count)
{
    std::unique_ptr<UserListJob> job(m_session->client()->listUsers(100));
    int received = 0;
    std::optional<ApiError> result;
    connect(job.get(), &UserListJob::pageReceived, this,
        [&](const zenml::users::UserList& page) { received += int(page.size()); });
    connect(
        job.get(), &UserListJob::finished, this, [&](const ApiError& error) { result = error; });
    job->start();
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000);
    if (count)
        *count = received;
    return result.value_or(ApiError { ApiError::Kind::Network, 0, QStringLiteral("no answer") });
}

void TestReauthentication::thirdRequestRefusedSignsInAgainOnce()
{
    signIn(); // requests 1 and 2: the sign-in and /users/me
    const QString firstToken = m_session->client()->accessToken();
    QCOMPARE(m_server->requestsServed("POST", QStringLiteral("/auth/login")), 1);

    SandboxFault refuse;
    refuse.method = "GET";
    refuse.path = QStringLiteral("/users");
    refuse.status = 401;
    refuse.body = R"({"detail":"Token expired"})";
    m_server->addFault(refuse);

    int count = 0;
    const ApiError error = list(&count);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(count, 31);
    QCOMPARE(m_server->requestsServed("POST", QStringLiteral("/auth/login")), 2);
    QVERIFY(m_session->client()->accessToken() != firstToken);
    QVERIFY(m_session->isSignedIn());
}

void TestReauthentication::expiredTokenIsRenewed()
{
    m_options.tokenTtlSeconds = 1;
    signIn();
    QTest::qWait(1500); // the token's real lifetime has to pass: nothing to wait on but time
    QVERIFY(m_session->isTokenExpired());
    int count = 0;
    const ApiError error = list(&count);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(count, 31);
    QCOMPARE(m_server->requestsServed("POST", QStringLiteral("/auth/login")), 2);
}

void TestReauthentication::secondRefusalEndsTheRequest()
{
    signIn();
    SandboxFault refuse;
    refuse.method = "GET";
    refuse.path = QStringLiteral("/users");
    refuse.status = 401;
    refuse.times = -1;
    refuse.body = R"({"detail":"Not authenticated"})";
    m_server->addFault(refuse);

    const ApiError error = list();
    QCOMPARE(error.kind, ApiError::Kind::Unauthorized);
    // One sign-in again, one retry: two refused listings, no third.
    QCOMPARE(m_server->requestsServed("POST", QStringLiteral("/auth/login")), 2);
    QCOMPARE(m_server->requestsServed("GET", QStringLiteral("/users")), 2);
}

void TestReauthentication::failedSignInAgainEndsTheSession()
{
    signIn();
    QSignalSpy expired(m_session.get(), &Session::sessionExpired);
    SandboxFault refuse;
    refuse.method = "GET";
    refuse.path = QStringLiteral("/users");
    refuse.status = 401;
    refuse.body = R"({"detail":"Token revoked"})";
    m_server->addFault(refuse);
    SandboxFault noLogin;
    noLogin.method = "POST";
    noLogin.path = QStringLiteral("/auth/login");
    noLogin.status = 401;
    noLogin.body = R"({"detail":"Invalid credentials"})";
    m_server->addFault(noLogin);

    const ApiError error = list();
    QCOMPARE(error.kind, ApiError::Kind::Unauthorized);
    QCOMPARE(expired.size(), 1);
    QVERIFY(!m_session->isSignedIn());
    QVERIFY(m_session->client()->accessToken().isEmpty());
}

QTEST_GUILESS_MAIN(TestReauthentication)
#include "tst_reauthentication.moc"
