#include "AppController.h"

#include "Logging.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "OnboardingWizard.h"
#include "session/SandboxLauncher.h"
#include "session/SecretStore.h"
#include "session/ServerProfile.h"
#include "session/Session.h"

#include <QMessageBox>
#include <QNetworkAccessManager>

namespace zenml::ui {

using session::Session;

AppController::AppController(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_session(new Session(m_network, this))
    , m_profiles(std::make_unique<session::ProfileStore>())
    , m_secrets(new session::SecretStore(this))
{
    m_session->setEnforcePasswordChange(true);
}

AppController::~AppController()
{
    delete m_mainWindow;
    delete m_loginDialog;
}

void AppController::startWithLogin(const QString& server, const QString& username)
{
    // A first start with nothing remembered and nothing given: the guided set-up.
    if (server.isEmpty() && username.isEmpty() && m_profiles->isEmpty()) {
        showOnboarding();
        return;
    }
    showLogin(server, username);
}

void AppController::showOnboarding()
{
    if (!m_wizard) {
        m_wizard = new OnboardingWizard(m_profiles.get(), m_secrets);
        m_wizard->setAttribute(Qt::WA_DeleteOnClose);
        // Finished: sign in with the new profile (its secret is read from the keychain).
        connect(m_wizard, &OnboardingWizard::finishedWithProfile, this,
            [this](const QString&) { showLogin({}, {}); });
        connect(m_wizard, &QDialog::rejected, this, [this] {
            if (!m_mainWindow && (!m_loginDialog || !m_loginDialog->isVisible()))
                showLogin({}, {});
        });
    }
    m_wizard->show();
    m_wizard->raise();
    m_wizard->activateWindow();
}

void AppController::startWithSandbox(const QStringList& sandboxArguments)
{
    m_sandbox = new session::SandboxLauncher(this);
    connect(m_sandbox, &session::SandboxLauncher::ready, this,
        [this](const QUrl& apiRoot, const QString& username, const QString& password) {
            qCInfo(lcUi) << "sandbox control plane ready at" << apiRoot.toDisplayString();
            // The first sign-in result decides: the main window, or a failure message.
            auto onSignedIn = std::make_shared<QMetaObject::Connection>();
            auto onFailed = std::make_shared<QMetaObject::Connection>();
            *onSignedIn = connect(m_session, &Session::signedIn, this, [=, this] {
                disconnect(*onSignedIn);
                disconnect(*onFailed);
                showMainWindow();
            });
            *onFailed = connect(m_session, &Session::signInFailed, this,
                [=, this](const controlplane::ApiError& error) {
                    disconnect(*onSignedIn);
                    disconnect(*onFailed);
                    fail(tr("Sandbox sign-in failed"),
                        tr("The sandbox started, but signing in as its "
                           "admin failed: %1")
                            .arg(error.message));
                });
            m_session->signIn(apiRoot, Session::Method::Password, username, password);
        });
    connect(m_sandbox, &session::SandboxLauncher::failed, this,
        [this](const QString& message) { fail(tr("The sandbox could not start"), message); });
    m_sandbox->start(sandboxArguments);
}

void AppController::showLogin(const QString& server, const QString& username)
{
    if (!m_loginDialog) {
        m_loginDialog = new LoginDialog(m_session, m_profiles.get(), m_secrets);
        m_loginDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_loginDialog, &LoginDialog::signedInWith, this, &AppController::remember);
        connect(m_loginDialog, &QDialog::accepted, this, &AppController::showMainWindow);
        connect(m_loginDialog, &QDialog::rejected, this, [this] {
            if (!m_mainWindow)
                Q_EMIT finished(0);
        });
    }
    if (!server.isEmpty())
        m_loginDialog->setServer(server);
    if (!username.isEmpty())
        m_loginDialog->setUsername(username);
    m_loginDialog->show();
    m_loginDialog->raise();
    m_loginDialog->activateWindow();
}

void AppController::showMainWindow()
{
    delete m_mainWindow;
    m_mainWindow = new MainWindow(m_session);
    m_mainWindow->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_mainWindow, &MainWindow::signOutRequested, this, [this] { signOut({}); });
    connect(m_mainWindow, &MainWindow::setUpRequested, this, &AppController::showOnboarding);
    connect(m_mainWindow, &MainWindow::sessionEnded, this, &AppController::signOut);
    connect(m_mainWindow, &QObject::destroyed, this, [this] {
        if (!m_loginDialog || !m_loginDialog->isVisible())
            Q_EMIT finished(0);
    });
    m_mainWindow->show();
    m_mainWindow->refresh();
}

// Saves the profile, and the secret only when the administrator asked for it; unticking
// "remember" forgets the secret kept so far. A keychain that cannot be reached costs nothing
// but the remembering: the session goes on, and the window says so.
void AppController::remember(const session::ServerProfile& profile, const QString& secret)
{
    using Choice = session::ProfileStore::SecretChoice;
    m_profiles->saveWithSecret(profile, secret,
        profile.rememberSecret ? Choice::Store : Choice::Forget, *m_secrets, this,
        [this](const session::ProfileStore::SaveResult& saved) {
            if (saved.problem.isEmpty() || !m_mainWindow)
                return;
            m_mainWindow->setSecretNotRemembered(
                tr("The secret is kept in memory for this session only and will "
                   "not be remembered: %1")
                    .arg(saved.problem));
        });
}

void AppController::signOut(const QString& message)
{
    const QString server = m_session->apiRoot().toString();
    const QString username = m_session->currentUser().username;
    m_session->signOut();
    showLogin(server, username);
    m_loginDialog->setMessage(message);
    if (m_mainWindow) {
        // Closing the window must not end the program while the dialog is up.
        disconnect(m_mainWindow, &QObject::destroyed, this, nullptr);
        m_mainWindow->close();
    }
}

void AppController::fail(const QString& title, const QString& text)
{
    qCWarning(lcUi).noquote() << title << ':' << text;
    auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Close);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QDialog::finished, this, [this] { Q_EMIT finished(1); });
    box->open();
}

} // namespace zenml::ui
