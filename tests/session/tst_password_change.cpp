// The forced password change: an account whose password has expired chooses a new one before
// anything else, whether the control plane lets it sign in and marks it (password_expired) or
// refuses the sign-in with 403 until a new password comes with it.

#include "sandbox/SandboxServer.h"
#include "session/Session.h"
#include "support/ApiHelper.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using zenml::controlplane::ApiError;
using zenml::sandbox::ExpiredPasswordLogin;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::session::Session;

namespace {
const QString kInitial = QStringLiteral("Initial-password-1");
const QString kChosen = QStringLiteral("Chosen p@ss w+rd & more");
} // namespace

class TestPasswordChange final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newPasswordBeforeAnythingElse_data();
    void newPasswordBeforeAnythingElse();
    void refusedNewPasswordKeepsWaiting();
    void notEnforcedSignsInAsIs();
};

void TestPasswordChange::newPasswordBeforeAnythingElse_data()
{
    QTest::addColumn<ExpiredPasswordLogin>("mode");
    QTest::newRow("signed in, marked expired") << ExpiredPasswordLogin::Allowed;
    QTest::newRow("refused with 403") << ExpiredPasswordLogin::Forbidden;
}

void TestPasswordChange::newPasswordBeforeAnythingElse()
{
    QFETCH(ExpiredPasswordLogin, mode);
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-password");
    options.passwordIterations = 1000;
    options.expiredPasswordLogin = mode;
    SandboxServer server(options);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    ApiHelper admin(server.apiRoot());
    QVERIFY(admin.signIn(server.adminUsername(), server.adminPassword()));
    const auto created = admin.create(QStringLiteral("newcomer"), kInitial, true);
    QVERIFY(created.passwordExpired);

    QNetworkAccessManager network;
    Session session(&network);
    session.setEnforcePasswordChange(true);
    QSignalSpy required(&session, &Session::passwordChangeRequired);
    QSignalSpy signedIn(&session, &Session::signedIn);
    QSignalSpy failed(&session, &Session::signInFailed);
    session.signIn(
        server.apiRoot(), Session::Method::Password, QStringLiteral("newcomer"), kInitial);
    QVERIFY(required.wait(10000));
    QCOMPARE(required.first().first().toString(), QStringLiteral("newcomer"));
    QVERIFY(signedIn.isEmpty());
    QVERIFY(failed.isEmpty());
    QVERIFY(!session.isSignedIn());
    QVERIFY(session.isPasswordChangeRequired());

    session.changeExpiredPassword(kChosen);
    QVERIFY(signedIn.wait(10000));
    QVERIFY(session.isSignedIn());
    QVERIFY(!session.currentUser().passwordExpired);
    QVERIFY(session.currentUser().isSuperuser);

    // The server holds the new password and no longer asks for a change.
    QVERIFY(!admin.fetch(created.id).passwordExpired);
    ApiHelper again(server.apiRoot());
    QVERIFY(again.signIn(QStringLiteral("newcomer"), kChosen));
    QCOMPARE(
        again.trySignIn(QStringLiteral("newcomer"), kInitial).kind, ApiError::Kind::Unauthorized);
}

void TestPasswordChange::refusedNewPasswordKeepsWaiting()
{
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-password");
    options.passwordIterations = 1000;
    options.expiredPasswordLogin = ExpiredPasswordLogin::Forbidden;
    SandboxServer server(options);
    QVERIFY(server.listen());
    ApiHelper admin(server.apiRoot());
    QVERIFY(admin.signIn(server.adminUsername(), server.adminPassword()));
    admin.create(QStringLiteral("stubborn"), kInitial);

    QNetworkAccessManager network;
    Session session(&network);
    session.setEnforcePasswordChange(true);
    QSignalSpy required(&session, &Session::passwordChangeRequired);
    QSignalSpy refused(&session, &Session::passwordChangeFailed);
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.signIn(
        server.apiRoot(), Session::Method::Password, QStringLiteral("stubborn"), kInitial);
    QVERIFY(required.wait(10000));

    // The sandbox refuses the old password as the new one (422): the change can be tried again.
    session.changeExpiredPassword(kInitial);
    QVERIFY(refused.wait(10000));
    QVERIFY(!session.isSignedIn());
    session.changeExpiredPassword(kChosen);
    QVERIFY(signedIn.wait(10000));
}

void TestPasswordChange::notEnforcedSignsInAsIs()
{
    SandboxOptions options;
    options.adminPassword = QStringLiteral("admin-password");
    options.passwordIterations = 1000;
    SandboxServer server(options);
    QVERIFY(server.listen());
    ApiHelper admin(server.apiRoot());
    QVERIFY(admin.signIn(server.adminUsername(), server.adminPassword()));
    admin.create(QStringLiteral("scripted"), kInitial);

    QNetworkAccessManager network;
    Session session(&network);
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.signIn(
        server.apiRoot(), Session::Method::Password, QStringLiteral("scripted"), kInitial);
    QVERIFY(signedIn.wait(10000));
    QVERIFY(session.currentUser().passwordExpired);
}

QTEST_GUILESS_MAIN(TestPasswordChange)
#include "tst_password_change.moc"
