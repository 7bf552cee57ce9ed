#include "controlplane/ScriptedHttpServer.h"
#include "session/Session.h"
#include "support/SandboxFixture.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using zenml::controlplane::ApiError;
using zenml::session::Session;
using Kind = ApiError::Kind;
using Method = Session::Method;

namespace {

const QString kApiKey = QStringLiteral("ZENPROKEY_sessiontest_0123456789abcdef");

const QByteArray kAdminJson = R"({"id":"a1","username":"admin","is_superuser":true,
                                  "is_active":true,"email":null})";

} // namespace

class TestSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void signInWithPassword();
    void signInWithWrongPassword();
    void signInWithApiKey();
    void signInWithUnknownToken();
    void tokenIsExchangedOnceWhenRefused();
    void unreachableServer();
    void laterSignInWins();
    void signOut();

private:
    QNetworkAccessManager m_network;
    RunningSandbox m_sandbox;
};

void TestSession::initTestCase()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    // The key goes through the environment, like every secret, not the command line.
    qputenv("SANDBOX_API_KEY", kApiKey.toUtf8());
    m_sandbox = startSandbox({ QStringLiteral("--seed"), QStringLiteral("3") });
    qunsetenv("SANDBOX_API_KEY");
    QVERIFY2(m_sandbox.isReady(), qPrintable(m_sandbox.error));
}

void TestSession::cleanupTestCase()
{
    stopSandbox(m_sandbox);
}

void TestSession::signInWithPassword()
{
    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);

    session.signIn(m_sandbox.apiRoot, Method::Password, m_sandbox.username, m_sandbox.password);
    QVERIFY(session.isBusy());
    QVERIFY(signedIn.wait());
    QCOMPARE(failed.size(), 0);
    QVERIFY(session.isSignedIn());
    QVERIFY(!session.isBusy());
    QCOMPARE(session.apiRoot(), m_sandbox.apiRoot);
    QCOMPARE(session.currentUser().username, m_sandbox.username);
    QCOMPARE(signedIn.at(0).at(0).value<zenml::users::User>(), session.currentUser());
    QVERIFY(!session.client()->accessToken().isEmpty());
    QVERIFY(session.client()->accessToken() != m_sandbox.password);

    // The sandbox issues tokens for an hour.
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(session.tokenExpiresAt());
    QVERIFY2(left > 3500 && left <= 3600, qPrintable(QString::number(left)));
    QVERIFY(!session.isTokenExpired());
}

void TestSession::signInWithWrongPassword()
{
    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);

    session.signIn(m_sandbox.apiRoot, Method::Password, m_sandbox.username,
        QStringLiteral("not-the-password"));
    QVERIFY(failed.wait());
    QCOMPARE(signedIn.size(), 0);
    const auto error = failed.at(0).at(0).value<ApiError>();
    QCOMPARE(error.kind, Kind::Unauthorized);
    QVERIFY(!error.message.contains(QStringLiteral("not-the-password")));
    QVERIFY(!session.isSignedIn());
    QVERIFY(!session.isBusy());
    QVERIFY(session.client()->accessToken().isEmpty());
}

void TestSession::signInWithApiKey()
{
    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);

    session.signIn(m_sandbox.apiRoot, Method::Token, {}, kApiKey);
    QVERIFY(signedIn.wait());
    QCOMPARE(failed.size(), 0);
    QVERIFY(session.isSignedIn());
    QVERIFY(session.currentUser().isSuperuser);
}

void TestSession::signInWithUnknownToken()
{
    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);

    session.signIn(m_sandbox.apiRoot, Method::Token, {}, QStringLiteral("ZENPROKEY_unknown"));
    QVERIFY(failed.wait());
    QCOMPARE(failed.at(0).at(0).value<ApiError>().kind, Kind::Unauthorized);
    QTest::qWait(100);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(signedIn.size(), 0);
    QVERIFY(session.client()->accessToken().isEmpty());
}

void TestSession::tokenIsExchangedOnceWhenRefused()
{
    // A token the server refuses as a bearer token is exchanged at /auth/login, once.
    ScriptedHttpServer server;
    QVERIFY(server.start());
    server.responder = [](const RecordedRequest& request) {
        if (request.target.endsWith("/auth/login")) {
            return CannedResponse::json(200, "OK",
                R"({"access_token":"exchanged-jwt","token_type":"bearer","expires_in":60})");
        }
        if (request.headers.value("authorization") == "Bearer exchanged-jwt")
            return CannedResponse::json(200, "OK", kAdminJson);
        return CannedResponse::json(401, "Unauthorized", R"({"detail":"Not authenticated"})");
    };

    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.signIn(server.apiRoot(), Method::Token, {}, QStringLiteral("ZENPROKEY_exchange_me"));
    QVERIFY(signedIn.wait());
    QCOMPARE(session.currentUser().username, QStringLiteral("admin"));

    QCOMPARE(server.requests.size(), 3);
    QCOMPARE(server.requests.at(0).target, QByteArray("/api/v1/users/me"));
    QCOMPARE(server.requests.at(0).headers.value("authorization"),
        QByteArray("Bearer ZENPROKEY_exchange_me"));
    QCOMPARE(server.requests.at(1).target, QByteArray("/api/v1/auth/login"));
    QVERIFY(!server.requests.at(1).headers.contains("authorization"));
    QCOMPARE(server.requests.at(1).body, QByteArray("username=&password=ZENPROKEY_exchange_me"));
    QCOMPARE(
        server.requests.at(2).headers.value("authorization"), QByteArray("Bearer exchanged-jwt"));
    QVERIFY(session.tokenExpiresAt().isValid());

    // Refused both ways: one exchange, then a failure; never a loop.
    server.requests.clear();
    server.responder = [](const RecordedRequest&) {
        return CannedResponse::json(401, "Unauthorized", R"({"detail":"Invalid API key"})");
    };
    QSignalSpy failed(&session, &Session::signInFailed);
    session.signIn(server.apiRoot(), Method::Token, {}, QStringLiteral("ZENPROKEY_bad"));
    QVERIFY(failed.wait());
    QCOMPARE(failed.at(0).at(0).value<ApiError>().message, QStringLiteral("Invalid API key"));
    QTest::qWait(100);
    QCOMPARE(server.requests.size(), 2);
    QCOMPARE(failed.size(), 1);
}

void TestSession::unreachableServer()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    Session session(&m_network);
    QSignalSpy failed(&session, &Session::signInFailed);
    session.signIn(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1").arg(port)), Method::Password,
        QStringLiteral("admin"), QStringLiteral("pw"));
    QVERIFY(failed.wait());
    QCOMPARE(failed.at(0).at(0).value<ApiError>().kind, Kind::Network);
    QVERIFY(!session.isBusy());
}

void TestSession::laterSignInWins()
{
    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);

    session.signIn(
        m_sandbox.apiRoot, Method::Password, m_sandbox.username, QStringLiteral("wrong"));
    session.signIn(m_sandbox.apiRoot, Method::Password, m_sandbox.username, m_sandbox.password);
    QVERIFY(signedIn.wait());
    QTest::qWait(100);
    QCOMPARE(signedIn.size(), 1);
    QCOMPARE(failed.size(), 0);
}

void TestSession::signOut()
{
    Session session(&m_network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.signIn(m_sandbox.apiRoot, Method::Password, m_sandbox.username, m_sandbox.password);
    QVERIFY(signedIn.wait());
    const QString oldToken = session.client()->accessToken();

    QSignalSpy signedOut(&session, &Session::signedOut);
    session.signOut();
    QCOMPARE(signedOut.size(), 1);
    QVERIFY(!session.isSignedIn());
    QVERIFY(session.client()->accessToken().isEmpty());
    QVERIFY(!session.tokenExpiresAt().isValid());
    QVERIFY(session.currentUser().id.isEmpty());

    // Signing in again after signing out works.
    session.signIn(m_sandbox.apiRoot, Method::Password, m_sandbox.username, m_sandbox.password);
    QVERIFY(signedIn.wait());
    QVERIFY(session.isSignedIn());
    QVERIFY(!oldToken.isEmpty());
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
