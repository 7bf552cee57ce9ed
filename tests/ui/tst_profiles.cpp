// Server profiles and remembered secrets through the real windows: the sign-in dialog saves a
// profile, the keychain (a real Secret Service, see tests/session/with-secret-service.sh)
// keeps the secret, the next start fills it in; without a session bus the program carries on
// with the secret in memory and says so. Secrets never reach a log line or a settings file.

#include "AppController.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "session/SecretStore.h"
#include "session/ServerProfile.h"
#include "session/Session.h"
#include "support/SandboxFixture.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using zenml::session::ProfileStore;
using zenml::session::SecretStore;
using zenml::ui::AppController;
using zenml::ui::LoginDialog;

namespace {

QStringList g_log;

void collectLog(QtMsgType, const QMessageLogContext& context, const QString& message)
{
    g_log << QString::fromUtf8(context.category ? context.category : "") + QLatin1Char(' ')
            + message;
}

std::optional<SecretStore::Result> readSecret(const QString& key)
{
    SecretStore store;
    QObject context;
    std::optional<SecretStore::Result> result;
    store.read(key, &context, [&](const SecretStore::Result& r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000);
    return result;
}

} // namespace

class TestProfiles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void firstStartShowsTheWizard();
    void signInSavesProfileAndSecret();
    void nextStartFillsTheSecretIn();
    void removingProfileRemovesSecret();
    void noKeychainKeepsSecretInMemory();
    void secretsNeverInLogsOrSettings();

private:
    // Signs in through the controller's dialog with the fields given.
    void signInThroughDialog(AppController& controller, const QString& profile, bool remember);

    RunningSandbox m_sandbox;
    QTemporaryDir m_config;
    bool m_haveKeyring = false;
};

void TestProfiles::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    QApplication::setOrganizationName(QStringLiteral("ZenML Tests"));
    QApplication::setApplicationName(QStringLiteral("tst_profiles"));
    qputenv("QT_LOGGING_RULES", "zenml.*=true");
    QLoggingCategory::setFilterRules(QStringLiteral("zenml.*=true"));
    if (!qEnvironmentVariableIsSet("TST_PROFILES_VERBOSE"))
        qInstallMessageHandler(collectLog);
    m_haveKeyring = qEnvironmentVariableIsSet("ZENML_TEST_SECRET_SERVICE");
    m_sandbox = startSandbox({ QStringLiteral("--seed"), QStringLiteral("5") });
    QVERIFY2(m_sandbox.isReady(), qPrintable(m_sandbox.error));
}

void TestProfiles::cleanupTestCase()
{
    qInstallMessageHandler(nullptr);
    stopSandbox(m_sandbox);
}

void TestProfiles::signInThroughDialog(
    AppController& controller, const QString& profile, bool remember)
{
    // Given a server, the program goes straight to signing in, even with nothing remembered.
    controller.startWithLogin(m_sandbox.apiRoot.toString(), {});
    LoginDialog* dialog = controller.loginDialog();
    QVERIFY(dialog && dialog->isVisible());
    auto* profileCombo = dialog->findChild<QComboBox*>(QStringLiteral("profileCombo"));
    profileCombo->setEditText(profile);
    dialog->findChild<QLineEdit*>(QStringLiteral("serverEdit"))
        ->setText(m_sandbox.apiRoot.toString());
    dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"))->setText(m_sandbox.username);
    dialog->findChild<QLineEdit*>(QStringLiteral("secretEdit"))->setText(m_sandbox.password);
    dialog->findChild<QCheckBox*>(QStringLiteral("rememberCheck"))->setChecked(remember);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(controller.mainWindow() != nullptr, 15000);
}

// With no server remembered and none given, the first start is the guided set-up; closing it
// leaves the ordinary sign-in.
void TestProfiles::firstStartShowsTheWizard()
{
    if (!ProfileStore().isEmpty())
        QSKIP("a profile is already saved in this run's settings");
    AppController controller;
    controller.startWithLogin({}, {});
    QVERIFY(controller.onboardingWizard());
    QTRY_VERIFY(controller.onboardingWizard()->isVisible());
    QVERIFY(!controller.loginDialog());
    controller.onboardingWizard()->reject();
    QTRY_VERIFY(controller.loginDialog() && controller.loginDialog()->isVisible());
}

void TestProfiles::signInSavesProfileAndSecret()
{
    if (!m_haveKeyring)
        QSKIP("no Secret Service: this runs through tests/session/with-secret-service.sh");
    AppController controller;
    signInThroughDialog(controller, QStringLiteral("Sandbox"), true);

    ProfileStore profiles;
    const auto saved = profiles.profile(QStringLiteral("Sandbox"));
    QVERIFY(saved);
    QCOMPARE(saved->apiRoot, m_sandbox.apiRoot);
    QCOMPARE(saved->username, m_sandbox.username);
    QVERIFY(saved->rememberSecret);
    QCOMPARE(profiles.lastUsed(), QStringLiteral("Sandbox"));

    const auto secret
        = readSecret(SecretStore::keyFor(QStringLiteral("Sandbox"), m_sandbox.username));
    QVERIFY(secret);
    QVERIFY2(secret->ok(), qPrintable(secret->message));
    QCOMPARE(secret->secret, m_sandbox.password);
    QTRY_VERIFY(controller.mainWindow()->secretNote().isEmpty());
}

void TestProfiles::nextStartFillsTheSecretIn()
{
    if (!m_haveKeyring)
        QSKIP("no Secret Service: this runs through tests/session/with-secret-service.sh");
    AppController controller;
    controller.startWithLogin({}, {});
    LoginDialog* dialog = controller.loginDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->profileName(), QStringLiteral("Sandbox"));
    QCOMPARE(dialog->username(), m_sandbox.username);
    auto* secretEdit = dialog->findChild<QLineEdit*>(QStringLiteral("secretEdit"));
    QTRY_COMPARE(secretEdit->text(), m_sandbox.password);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(controller.mainWindow() != nullptr, 15000);
}

void TestProfiles::removingProfileRemovesSecret()
{
    if (!m_haveKeyring)
        QSKIP("no Secret Service: this runs through tests/session/with-secret-service.sh");
    AppController controller;
    controller.startWithLogin({}, {});
    LoginDialog* dialog = controller.loginDialog();
    QCOMPARE(dialog->profileName(), QStringLiteral("Sandbox"));
    dialog->findChild<QPushButton*>(QStringLiteral("removeProfileButton"))->click();

    QVERIFY(ProfileStore().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(
        readSecret(SecretStore::keyFor(QStringLiteral("Sandbox"), m_sandbox.username))->status
            == SecretStore::Result::Status::NotFound,
        10000);
}

// CASES.md 7: no session bus. Sign-in works, the secret stays in memory only, and the window
// says it will not be remembered.
void TestProfiles::noKeychainKeepsSecretInMemory()
{
    if (m_haveKeyring)
        QSKIP("runs in the variant of this test without a session bus");
    AppController controller;
    signInThroughDialog(controller, QStringLiteral("No keychain"), true);
    QVERIFY(controller.session()->isSignedIn());
    QTRY_VERIFY_WITH_TIMEOUT(!controller.mainWindow()->secretNote().isEmpty(), 10000);
    QVERIFY2(controller.mainWindow()->secretNote().contains(QStringLiteral("not be remembered")),
        qPrintable(controller.mainWindow()->secretNote()));
    QVERIFY(ProfileStore().profile(QStringLiteral("No keychain")));
}

void TestProfiles::secretsNeverInLogsOrSettings()
{
    AppController controller;
    signInThroughDialog(controller, QStringLiteral("Logged"), false);
    const QString token = controller.session()->client()->accessToken();
    QVERIFY(!token.isEmpty());
    QTRY_VERIFY(!controller.mainWindow()->isLoading());
    controller.mainWindow()->close();
    QSettings().sync();

    QVERIFY(g_log.size() > 5); // debug logging really was on
    for (const QString& line : std::as_const(g_log)) {
        QVERIFY2(!line.contains(m_sandbox.password), qPrintable(line));
        QVERIFY2(!line.contains(token), qPrintable(line));
    }
    int files = 0;
    QDirIterator it(m_config.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains(m_sandbox.password.toUtf8()), qPrintable(file.fileName()));
        QVERIFY2(!content.contains(token.toUtf8()), qPrintable(file.fileName()));
        ++files;
    }
    QVERIFY(files >= 1); // the profile and the window layout were written
}

QTEST_MAIN(TestProfiles)
#include "tst_profiles.moc"
