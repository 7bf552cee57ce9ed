#pragma once

#include "controlplane/ApiError.h"
#include "controlplane/TlsTrust.h"
#include "session/ServerProfile.h"
#include "session/Session.h"

#include <QDialog>

#include <memory>

namespace Ui {
class LoginDialog;
}

namespace zenml::session {
class SecretStore;
}

namespace zenml::ui {

// Asks for a server and credentials and signs the session in. The dialog stays open, with
// everything typed kept, until the sign-in succeeded or the administrator cancels.
// Remembered servers are picked by profile name; a remembered secret is read from the
// keychain when its profile is picked.
class LoginDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoginDialog)

public:
    // The stores are optional (nullptr: no profile picker, nothing remembered) and must
    // outlive the dialog.
    explicit LoginDialog(session::Session* session, session::ProfileStore* profiles = nullptr,
        session::SecretStore* secrets = nullptr, QWidget* parent = nullptr);
    ~LoginDialog() override;

    void setServer(const QString& server);
    void setUsername(const QString& username);
    void setMethod(session::Session::Method method);

    QString server() const;
    QString username() const;
    session::Session::Method method() const;
    bool rememberSecret() const;
    QString profileName() const;
    // The profile as the fields describe it now (TLS settings kept from the picked profile).
    session::ServerProfile profileFromFields() const;
    // Fills the fields from a remembered profile, reading its secret from the keychain.
    void selectProfile(const QString& name);

    // The last failure, shown in the dialog; empty while none.
    QString message() const;
    // Shows why the dialog is back (a session that ended); empty hides it.
    void setMessage(const QString& text) { showMessage(text); }

public Q_SLOTS:
    void accept() override;
    void reject() override;

Q_SIGNALS:
    // The session signed in with these fields; the receiver saves the profile and, when
    // `profile.rememberSecret`, the secret. Emitted just before the dialog closes.
    void signedInWith(const zenml::session::ServerProfile& profile, const QString& secret);

private:
    void updateForMethod();
    void updateOkButton();
    void setBusy(bool busy);
    void showMessage(const QString& text);
    void onSignedIn();
    void onSignInFailed(const controlplane::ApiError& error);
    void askForNewPassword(const QString& username);
    void signIn();
    bool applyTrust();
    void askToTrust(const controlplane::CertificateInfo& certificate);
    void reloadProfiles(const QString& select);
    void removeProfile();

    std::unique_ptr<Ui::LoginDialog> m_ui;
    session::Session* m_session;
    session::ProfileStore* m_profiles;
    session::SecretStore* m_secrets;
    session::ServerProfile m_picked; // the remembered profile the fields came from
    bool m_busy = false;
};

} // namespace zenml::ui
