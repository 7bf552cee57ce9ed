// The sign-in dialog against a real sandbox: a failure keeps everything typed and says why; a
// success closes the dialog with the session signed in.

#include "LoginDialog.h"
#include "session/Session.h"
#include "support/SandboxFixture.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using zenml::session::Session;
using zenml::ui::LoginDialog;

class TestLoginDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void signInButtonNeedsEveryField();
    void wrongPasswordKeepsInput();
    void unusableAddressIsRefusedBeforeSending();
    void unreachableServerSaysSo();
    void rightPasswordSignsIn();

private:
    struct Form
    {
        QLineEdit* server;
        QLineEdit* username;
        QLineEdit* secret;
        QPushButton* ok;
    };
    static Form formOf(LoginDialog& dialog);

    RunningSandbox m_sandbox;
    QNetworkAccessManager m_network;
};

void TestLoginDialog::initTestCase()
{
    m_sandbox = startSandbox({ QStringLiteral("--seed"), QStringLiteral("3") });
    if (!m_sandbox.isReady())
        QFAIL(qPrintable(m_sandbox.error));
}

void TestLoginDialog::cleanupTestCase()
{
    stopSandbox(m_sandbox);
}

TestLoginDialog::Form TestLoginDialog::formOf(LoginDialog& dialog)
{
    auto* buttons = dialog.findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"));
    return { dialog.findChild<QLineEdit*>(QStringLiteral("serverEdit")),
        dialog.findChild<QLineEdit*>(QStringLiteral("usernameEdit")),
        dialog.findChild<QLineEdit*>(QStringLiteral("secretEdit")),
        buttons ? buttons->button(QDialogButtonBox::Ok) : nullptr };
}

void TestLoginDialog::signInButtonNeedsEveryField()
{
    Session session(&m_network);
    LoginDialog dialog(&session);
    dialog.show();
    const Form form = formOf(dialog);
    QVERIFY(form.server && form.username && form.secret && form.ok);

    QVERIFY(!form.ok->isEnabled());
    QTest::keyClicks(form.server, m_sandbox.apiRoot.toString());
    QTest::keyClicks(form.username, QStringLiteral("admin"));
    QVERIFY(!form.ok->isEnabled());
    QTest::keyClicks(form.secret, QStringLiteral("x"));
    QVERIFY(form.ok->isEnabled());

    // A token needs no username.
    form.username->clear();
    QVERIFY(!form.ok->isEnabled());
    dialog.setMethod(Session::Method::Token);
    QVERIFY(form.ok->isEnabled());
    QVERIFY(form.username->isHidden());
}

void TestLoginDialog::wrongPasswordKeepsInput()
{
    Session session(&m_network);
    LoginDialog dialog(&session);
    dialog.show();
    const Form form = formOf(dialog);
    QTest::keyClicks(form.server, m_sandbox.apiRoot.toString());
    QTest::keyClicks(form.username, m_sandbox.username);
    QTest::keyClicks(form.secret, QStringLiteral("not the password"));

    QSignalSpy failed(&session, &Session::signInFailed);
    QTest::mouseClick(form.ok, Qt::LeftButton);
    QVERIFY(!form.ok->isEnabled()); // no second request while one is under way
    QVERIFY(failed.wait(10000));

    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY2(
        dialog.message().contains(QStringLiteral("Sign-in failed")), qPrintable(dialog.message()));
    QCOMPARE(form.server->text(), m_sandbox.apiRoot.toString());
    QCOMPARE(form.username->text(), m_sandbox.username);
    QCOMPARE(form.secret->text(), QStringLiteral("not the password"));
    QVERIFY(form.ok->isEnabled());
    QVERIFY(!session.isSignedIn());
}

void TestLoginDialog::unusableAddressIsRefusedBeforeSending()
{
    Session session(&m_network);
    LoginDialog dialog(&session);
    dialog.show();
    const Form form = formOf(dialog);
    QTest::keyClicks(form.server, QStringLiteral("ftp://example.com"));
    QTest::keyClicks(form.username, QStringLiteral("admin"));
    QTest::keyClicks(form.secret, QStringLiteral("secret"));

    QSignalSpy failed(&session, &Session::signInFailed);
    QTest::mouseClick(form.ok, Qt::LeftButton);
    QVERIFY(dialog.message().contains(QStringLiteral("server address")));
    QVERIFY(!session.isBusy());
    QVERIFY(failed.isEmpty());
    QCOMPARE(form.server->text(), QStringLiteral("ftp://example.com"));
}

void TestLoginDialog::unreachableServerSaysSo()
{
    Session session(&m_network);
    LoginDialog dialog(&session);
    dialog.show();
    const Form form = formOf(dialog);
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    QTest::keyClicks(form.server, QStringLiteral("http://127.0.0.1:1"));
    QTest::keyClicks(form.username, QStringLiteral("admin"));
    QTest::keyClicks(form.secret, QStringLiteral("secret"));

    QSignalSpy failed(&session, &Session::signInFailed);
    QTest::mouseClick(form.ok, Qt::LeftButton);
    QVERIFY(failed.wait(10000));
    QVERIFY2(
        dialog.message().contains(QStringLiteral("server address")), qPrintable(dialog.message()));
    QVERIFY(dialog.isVisible());
}

void TestLoginDialog::rightPasswordSignsIn()
{
    Session session(&m_network);
    LoginDialog dialog(&session);
    dialog.show();
    const Form form = formOf(dialog);
    // Typed without a scheme's path: the dialog normalises it to the API root.
    QString typed = m_sandbox.apiRoot.toString();
    typed.chop(QStringLiteral("/api/v1").size());
    QTest::keyClicks(form.server, typed);
    QTest::keyClicks(form.username, m_sandbox.username);
    QTest::keyClicks(form.secret, m_sandbox.password);

    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::keyClick(form.secret, Qt::Key_Return);
    QVERIFY(accepted.wait(10000));
    QVERIFY(session.isSignedIn());
    QCOMPARE(session.currentUser().username, m_sandbox.username);
    QCOMPARE(session.apiRoot(), m_sandbox.apiRoot);
    QVERIFY(!dialog.isVisible());
}

QTEST_MAIN(TestLoginDialog)
#include "tst_login_dialog.moc"
