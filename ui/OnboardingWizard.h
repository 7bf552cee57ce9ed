#pragma once

// The first-run onboarding wizard: from a freshly deployed control plane to a verified
// super-user account of the administrator's own, with its profile saved (issue 5).

#include "controlplane/TlsTrust.h"
#include "users/User.h"

#include <QString>
#include <QUrl>
#include <QWizard>

#include <optional>

class QNetworkAccessManager;

namespace zenml::controlplane {
class ApiClient;
}

namespace zenml::session {
class ProfileStore;
class SecretStore;
class Session;
} // namespace zenml::session

namespace zenml::ui {

class OnboardingWizard final : public QWizard
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OnboardingWizard)

public:
    enum PageId
    {
        WelcomePage,
        ServerPage,
        AdminPage,
        SuperuserPage,
        VerifyPage,
        FinishPage,
    };

    // Both stores are required and must outlive the wizard: the keychain may answer after it
    // closed.
    OnboardingWizard(
        session::ProfileStore* profiles, session::SecretStore* secrets, QWidget* parent = nullptr);
    ~OnboardingWizard() override;

    // What the pages share; read by the pages and by tests.
    QUrl apiRoot() const { return m_apiRoot; }
    const controlplane::TlsTrust& tlsTrust() const { return m_trust; }
    bool isConnectionChecked() const { return m_connectionChecked; }
    bool isAdminSignedIn() const { return m_adminSignedIn; }
    const std::optional<users::User>& createdUser() const { return m_createdUser; }
    bool isVerified() const { return m_verified; }

    static QString kubectlCommand(const QString& helmNamespace, const QString& release);

public Q_SLOTS:
    void reject() override;

Q_SIGNALS:
    void finishedWithProfile(const QString& profileName);

private:
    friend class ServerWizardPage;
    friend class AdminWizardPage;
    friend class SuperuserWizardPage;
    friend class VerifyWizardPage;
    friend class FinishWizardPage;

    bool saveProfile(const QString& profileName, bool rememberSecret);

    session::ProfileStore* m_profiles;
    session::SecretStore* m_secrets;
    QNetworkAccessManager* m_network;
    controlplane::ApiClient* m_probe; // the connection check: no credentials
    session::Session* m_adminSession;
    session::Session* m_userSession;

    QUrl m_apiRoot;
    controlplane::TlsTrust m_trust;
    QString m_caBundlePath;
    bool m_allowPlainHttp = false;
    bool m_connectionChecked = false;
    bool m_adminSignedIn = false;
    std::optional<users::User> m_createdUser;
    QString m_generatedPassword; // of the created account; kept until the wizard closes
    QString m_verifiedUsername;
    QString m_verifiedPassword; // the account's password after Verify; never the admin's
    bool m_passwordChanged = false;
    bool m_verified = false;
    bool m_saved = false;
    bool m_closing = false;
};

} // namespace zenml::ui
