// The first-run onboarding wizard (issue 5), driven as an administrator would (typed text,
// buttons, dialogs) against an in-process sandbox that holds only the admin account. What the
// server holds afterwards is checked by signing in again with a separate session.

#include "OnboardingWizard.h"
#include "PasswordRevealDialog.h"
#include "TrustCertificateDialog.h"
#include "sandbox/SandboxServer.h"
#include "session/Session.h"
#include "support/ApiHelper.h"
#include "support/DialogHelpers.h"
#include "support/ProfileStores.h"
#include "support/TestCertificates.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using zenml::sandbox::ExpiredPasswordLogin;
using zenml::sandbox::SandboxOptions;
using zenml::sandbox::SandboxServer;
using zenml::session::Session;
using zenml::ui::OnboardingWizard;
using zenml::ui::PasswordRevealDialog;
using zenml::ui::TrustCertificateDialog;

namespace {

const QString kAdminPassword = QStringLiteral("admin-secret");
const QString kOwnPassword = QStringLiteral("My-own-password-42");

} // namespace

class TestOnboardingWizard final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void kubectlCommandFollowsTheFields();
    void wholePathToFinish();
    void wrongAdminPasswordKeepsThePage();
    void existingSuperusersOfferSkip();
    void untrustedCertificateRefusedThenTrusted();
    void cancelAfterCreationShowsPasswordAgain();
    void expiredPasswordForbiddenOnVerify();

private:
    void startServer(SandboxOptions options = {});
    void openWizard();
    template <typename T> T* child(const QString& name) const
    {
        T* found = m_wizard->findChild<T*>(name);
        if (!found)
            qWarning() << "no child" << name;
        return found;
    }
    QString statusOf(const QString& name) const { return child<QLabel>(name)->text(); }
    bool clickNext();
    bool checkConnection(const QUrl& root);
    bool signInAdmin(const QString& password);
    QString createAccount(const QString& username, const QString& displayName);
    bool verify(const QString& newPassword);

    QTemporaryDir m_dir;
    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<ProfileStores> m_stores;
    std::unique_ptr<OnboardingWizard> m_wizard;
    QNetworkAccessManager m_network;
};

void TestOnboardingWizard::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void TestOnboardingWizard::init()
{
    m_stores = std::make_unique<ProfileStores>(m_dir);
}

void TestOnboardingWizard::cleanup()
{
    m_wizard.reset(); // before closeAllDialogs, which would delete it too (a QDialog)
    closeAllDialogs();
    m_stores.reset();
    m_server.reset();
}

void TestOnboardingWizard::startServer(SandboxOptions options)
{
    options.adminPassword = kAdminPassword;
    options.passwordIterations = 1000;
    m_server = std::make_unique<SandboxServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

void TestOnboardingWizard::openWizard()
{
    m_wizard = std::make_unique<OnboardingWizard>(&m_stores->profiles, &m_stores->secrets);
    m_wizard->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::WelcomePage));
}

bool TestOnboardingWizard::clickNext()
{
    QAbstractButton* next = m_wizard->button(QWizard::NextButton);
    if (!QTest::qWaitFor([next] { return next->isEnabled() && next->isVisible(); }, 10000))
        return false;
    const int before = m_wizard->currentId();
    next->click();
    return m_wizard->currentId() != before;
}

bool TestOnboardingWizard::checkConnection(const QUrl& root)
{
    if (m_wizard->currentId() != OnboardingWizard::ServerPage)
        return false;
    child<QLineEdit>(QStringLiteral("urlEdit"))->setText(root.toString());
    child<QPushButton>(QStringLiteral("checkButton"))->click();
    return QTest::qWaitFor([this] { return m_wizard->isConnectionChecked(); }, 10000);
}

bool TestOnboardingWizard::signInAdmin(const QString& password)
{
    auto* edit = child<QLineEdit>(QStringLiteral("adminPasswordEdit"));
    edit->clear();
    QTest::keyClicks(edit, password);
    child<QPushButton>(QStringLiteral("signInButton"))->click();
    return QTest::qWaitFor([this] { return m_wizard->isAdminSignedIn(); }, 10000);
}

QString TestOnboardingWizard::createAccount(const QString& username, const QString& displayName)
{
    auto* create = child<QPushButton>(QStringLiteral("createButton"));
    if (!QTest::qWaitFor([create] { return create->isEnabled(); }, 10000))
        return {};
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("newUsernameEdit")), username);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("displayNameEdit")), displayName);
    create->click();
    auto* reveal = waitForDialog<PasswordRevealDialog>();
    if (!reveal)
        return {};
    const QString password = reveal->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text();
    reveal->findChild<QCheckBox*>(QStringLiteral("recordedCheck"))->setChecked(true);
    const QPointer<PasswordRevealDialog> watched(reveal);
    reveal->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Close)->click();
    (void)QTest::qWaitFor([&] { return !watched || !watched->isVisible(); }, 5000);
    return password;
}

bool TestOnboardingWizard::verify(const QString& newPassword)
{
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("newPasswordEdit")), newPassword);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("repeatPasswordEdit")), newPassword);
    child<QPushButton>(QStringLiteral("verifyButton"))->click();
    return QTest::qWaitFor([this] { return m_wizard->isVerified(); }, 15000);
}

void TestOnboardingWizard::kubectlCommandFollowsTheFields()
{
    startServer();
    openWizard();
    QVERIFY(clickNext());
    QVERIFY(checkConnection(m_server->apiRoot()));
    QVERIFY(clickNext());
    QCOMPARE(child<QLineEdit>(QStringLiteral("adminUserEdit"))->text(), QStringLiteral("admin"));
    auto* ns = child<QLineEdit>(QStringLiteral("namespaceEdit"));
    auto* release = child<QLineEdit>(QStringLiteral("releaseEdit"));
    ns->clear();
    QTest::keyClicks(ns, QStringLiteral("mlops"));
    release->clear();
    QTest::keyClicks(release, QStringLiteral("zen"));
    QCOMPARE(statusOf(QStringLiteral("kubectlCommand")),
        QStringLiteral("kubectl get secret --namespace mlops zen -o "
                       "jsonpath=\"{.data.ZENML_CLOUD_ADMIN_PASSWORD}\" | base64 --decode"));
    // Typed but not signed in: Next stays off.
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("adminPasswordEdit")), kAdminPassword);
    QVERIFY(!m_wizard->button(QWizard::NextButton)->isEnabled());
}

void TestOnboardingWizard::wholePathToFinish()
{
    startServer();
    openWizard();
    QVERIFY(clickNext());
    QVERIFY(checkConnection(m_server->apiRoot()));
    QVERIFY2(statusOf(QStringLiteral("serverStatus")).contains(QStringLiteral("reachable")),
        qPrintable(statusOf(QStringLiteral("serverStatus"))));
    QVERIFY(clickNext());
    QVERIFY(!m_wizard->button(QWizard::NextButton)->isEnabled());
    QVERIFY(signInAdmin(kAdminPassword));
    QVERIFY(clickNext());
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::SuperuserPage));
    const QString generated = createAccount(QStringLiteral("alice"), QStringLiteral("Alice A."));
    QCOMPARE(generated.size(), 20);
    QVERIFY(m_wizard->createdUser().has_value());
    QCOMPARE(m_wizard->createdUser()->name, QStringLiteral("Alice A."));

    // Back and Next again: shown as created, never created twice.
    m_wizard->back();
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::AdminPage));
    QVERIFY(clickNext());
    QVERIFY(statusOf(QStringLiteral("createStatus")).contains(QStringLiteral("was created")));
    QVERIFY(!child<QPushButton>(QStringLiteral("createButton"))->isEnabled());
    QVERIFY(!waitForDialog<PasswordRevealDialog>(300));

    QVERIFY(clickNext());
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::VerifyPage));
    QVERIFY2(verify(kOwnPassword), qPrintable(statusOf(QStringLiteral("verifyStatus"))));
    QVERIFY(clickNext());
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::FinishPage));
    QVERIFY(statusOf(QStringLiteral("summary")).contains(QStringLiteral("alice")));
    child<QCheckBox>(QStringLiteral("rememberCheck"))->setChecked(false); // no keychain here
    auto* name = child<QLineEdit>(QStringLiteral("profileNameEdit"));
    name->clear();
    QTest::keyClicks(name, QStringLiteral("Production"));
    QSignalSpy finished(m_wizard.get(), &OnboardingWizard::finishedWithProfile);
    m_wizard->button(QWizard::FinishButton)->click();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toString(), QStringLiteral("Production"));
    QVERIFY(!m_wizard->isVisible());

    const auto profile = m_stores->profiles.profile(QStringLiteral("Production"));
    QVERIFY(profile.has_value());
    QCOMPARE(profile->username, QStringLiteral("alice"));
    QCOMPARE(profile->apiRoot, m_server->apiRoot());
    QCOMPARE(profile->rememberSecret, false);
    QCOMPARE(m_stores->profiles.lastUsed(), QStringLiteral("Production"));
    // The admin password appears nowhere in the stored settings.
    m_stores->settings.sync();
    QFile file(m_stores->settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(kAdminPassword.toUtf8()));

    // A fresh session with the stored profile and the chosen password: a super-user, and
    // the generated password no longer works.
    Session fresh(&m_network);
    QSignalSpy signedIn(&fresh, &Session::signedIn);
    fresh.signIn(profile->apiRoot, Session::Method::Password, profile->username, kOwnPassword);
    QVERIFY(signedIn.wait(10000));
    QVERIFY(fresh.currentUser().isSuperuser);
    ApiHelper other(m_server->apiRoot());
    QVERIFY(!other.signIn(QStringLiteral("alice"), generated));
}

void TestOnboardingWizard::wrongAdminPasswordKeepsThePage()
{
    startServer();
    openWizard();
    QVERIFY(clickNext());
    QVERIFY(checkConnection(m_server->apiRoot()));
    QVERIFY(clickNext());
    QTest::keyClicks(
        child<QLineEdit>(QStringLiteral("adminPasswordEdit")), QStringLiteral("not-the-password"));
    child<QPushButton>(QStringLiteral("signInButton"))->click();
    QTRY_VERIFY(statusOf(QStringLiteral("adminStatus")).contains(QStringLiteral("refused")));
    QVERIFY(!m_wizard->isAdminSignedIn());
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::AdminPage));
    QVERIFY(!m_wizard->button(QWizard::NextButton)->isEnabled());
    QCOMPARE(child<QLineEdit>(QStringLiteral("adminPasswordEdit"))->text(),
        QStringLiteral("not-the-password"));
    QCOMPARE(child<QLineEdit>(QStringLiteral("adminUserEdit"))->text(), QStringLiteral("admin"));
    QVERIFY(signInAdmin(kAdminPassword));
    QVERIFY(clickNext());
}

void TestOnboardingWizard::existingSuperusersOfferSkip()
{
    startServer();
    ApiHelper admin(m_server->apiRoot());
    QVERIFY(admin.signIn(m_server->adminUsername(), kAdminPassword));
    QVERIFY(
        !admin.create(QStringLiteral("bob"), QStringLiteral("Bob-initial-123"), true).id.isEmpty());
    openWizard();
    QVERIFY(clickNext());
    QVERIFY(checkConnection(m_server->apiRoot()));
    QVERIFY(clickNext());
    QVERIFY(signInAdmin(kAdminPassword));
    QVERIFY(clickNext());
    auto* skip = child<QCheckBox>(QStringLiteral("skipCheck"));
    QTRY_VERIFY(skip->isVisible());
    QVERIFY(skip->isChecked());
    auto* list = child<QListWidget>(QStringLiteral("existingList"));
    QCOMPARE(list->count(), 1);
    QVERIFY(list->item(0)->text().startsWith(QStringLiteral("bob")));
    QVERIFY(statusOf(QStringLiteral("existingLabel")).contains(QStringLiteral("already exist")));
    QVERIFY(clickNext());
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::VerifyPage));
    QVERIFY(!m_wizard->createdUser().has_value());
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("verifyUserEdit")), QStringLiteral("bob"));
    QTest::keyClicks(
        child<QLineEdit>(QStringLiteral("verifyPasswordEdit")), QStringLiteral("Bob-initial-123"));
    QVERIFY2(verify(kOwnPassword), qPrintable(statusOf(QStringLiteral("verifyStatus"))));
    QVERIFY(clickNext());
    child<QCheckBox>(QStringLiteral("rememberCheck"))->setChecked(false);
    m_wizard->button(QWizard::FinishButton)->click();
    QCOMPARE(m_stores->profiles.profiles().size(), 1);
    QCOMPARE(m_stores->profiles.profiles().first().username, QStringLiteral("bob"));
}

void TestOnboardingWizard::untrustedCertificateRefusedThenTrusted()
{
    TestCertificates certificates;
    if (!certificates.make())
        QSKIP(qPrintable(certificates.error));
    SandboxOptions options;
    options.tlsCertificatePath = certificates.otherCert();
    options.tlsKeyPath = certificates.otherKey();
    startServer(options);
    QCOMPARE(m_server->apiRoot().scheme(), QStringLiteral("https"));
    openWizard();
    QVERIFY(clickNext());
    child<QLineEdit>(QStringLiteral("urlEdit"))->setText(m_server->apiRoot().toString());
    child<QPushButton>(QStringLiteral("checkButton"))->click();

    auto* dialog = waitForDialog<TrustCertificateDialog>();
    QVERIFY(dialog);
    const QByteArray expected
        = zenml::controlplane::sha256Of(TestCertificates::load(certificates.otherCert()));
    QCOMPARE(dialog->certificate().sha256, expected);
    dialog->reject();
    QTRY_VERIFY(statusOf(QStringLiteral("serverStatus")).contains(QStringLiteral("not trusted")));
    QVERIFY(!m_wizard->isConnectionChecked());
    QVERIFY(!m_wizard->button(QWizard::NextButton)->isEnabled());

    child<QPushButton>(QStringLiteral("checkButton"))->click();
    dialog = waitForDialog<TrustCertificateDialog>();
    QVERIFY(dialog);
    dialog->accept();
    QTRY_VERIFY(m_wizard->isConnectionChecked());
    QCOMPARE(m_wizard->tlsTrust().pinnedSha256, expected);
    QVERIFY(statusOf(QStringLiteral("serverStatus")).contains(QStringLiteral("exactly")));
    QVERIFY(clickNext());
    QVERIFY(signInAdmin(kAdminPassword)); // the pin carries over to the sign-in
}

void TestOnboardingWizard::cancelAfterCreationShowsPasswordAgain()
{
    startServer();
    openWizard();
    QVERIFY(clickNext());
    QVERIFY(checkConnection(m_server->apiRoot()));
    QVERIFY(clickNext());
    QVERIFY(signInAdmin(kAdminPassword));
    QVERIFY(clickNext());
    const QString generated = createAccount(QStringLiteral("carol"), {});
    QVERIFY(!generated.isEmpty());

    m_wizard->button(QWizard::CancelButton)->click();
    auto* reveal = waitForDialog<PasswordRevealDialog>();
    QVERIFY(reveal);
    QCOMPARE(reveal->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text(), generated);
    QVERIFY(m_wizard->isVisible());
    reveal->findChild<QCheckBox*>(QStringLiteral("recordedCheck"))->setChecked(true);
    reveal->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Close)->click();
    QTRY_VERIFY(!m_wizard->isVisible());
    QCOMPARE(m_wizard->result(), int(QDialog::Rejected));
    QVERIFY(m_stores->profiles.isEmpty());
}

void TestOnboardingWizard::expiredPasswordForbiddenOnVerify()
{
    SandboxOptions options;
    options.expiredPasswordLogin = ExpiredPasswordLogin::Forbidden;
    startServer(options);
    openWizard();
    QVERIFY(clickNext());
    QVERIFY(checkConnection(m_server->apiRoot()));
    QVERIFY(clickNext());
    QVERIFY(signInAdmin(kAdminPassword));
    QVERIFY(clickNext());
    const QString generated = createAccount(QStringLiteral("dave"), {});
    QVERIFY(!generated.isEmpty());
    QVERIFY(clickNext());

    // Without a new password typed, the page asks for one and keeps going when given.
    child<QPushButton>(QStringLiteral("verifyButton"))->click();
    QTRY_VERIFY(statusOf(QStringLiteral("verifyStatus")).contains(QStringLiteral("twice")));
    QVERIFY(!m_wizard->isVerified());
    QVERIFY2(verify(kOwnPassword), qPrintable(statusOf(QStringLiteral("verifyStatus"))));

    ApiHelper other(m_server->apiRoot());
    QVERIFY(other.signIn(QStringLiteral("dave"), kOwnPassword));
    QVERIFY(!other.signIn(QStringLiteral("dave"), generated));
}

QTEST_MAIN(TestOnboardingWizard)
#include "tst_onboarding_wizard.moc"
