#pragma once

#include "OnboardingWizard.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

class QNetworkAccessManager;

namespace zenml::session {
class ProfileStore;
class SandboxLauncher;
class SecretStore;
class Session;
struct ServerProfile;
} // namespace zenml::session

namespace zenml::ui {

class LoginDialog;
class MainWindow;

// Wires one session to its windows: the sign-in dialog first (or a sandbox started on the
// spot), then the main window; signing out returns to the dialog.
class AppController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppController)

public:
    explicit AppController(QObject* parent = nullptr);
    ~AppController() override;

    // Shows the sign-in dialog, prefilled with what is known.
    void startWithLogin(const QString& server, const QString& username);
    // Starts zenml-pro-sandbox with `sandboxArguments` and signs in as its reserved admin.
    void startWithSandbox(const QStringList& sandboxArguments);

    session::Session* session() const { return m_session; }
    MainWindow* mainWindow() const { return m_mainWindow; }
    LoginDialog* loginDialog() const { return m_loginDialog; }
    OnboardingWizard* onboardingWizard() const { return m_wizard; }

    // The first-run wizard, shown at start when no server is remembered yet, and from the
    // Server menu at any time.
    void showOnboarding();

Q_SIGNALS:
    // The program has nothing left to show: the dialog was cancelled or start-up failed.
    void finished(int exitCode);

private:
    void showLogin(const QString& server, const QString& username);
    void showMainWindow();
    void signOut(const QString& message);
    void fail(const QString& title, const QString& text);
    void remember(const session::ServerProfile& profile, const QString& secret);

    QNetworkAccessManager* m_network;
    session::Session* m_session;
    std::unique_ptr<session::ProfileStore> m_profiles;
    session::SecretStore* m_secrets = nullptr;
    session::SandboxLauncher* m_sandbox = nullptr;
    QPointer<LoginDialog> m_loginDialog;
    QPointer<MainWindow> m_mainWindow;
    QPointer<OnboardingWizard> m_wizard;
};

} // namespace zenml::ui
