#pragma once

#include "controlplane/ApiError.h"
#include "session/Session.h"

#include <QDialog>

#include <memory>

namespace Ui {
class LoginDialog;
}

namespace zenml::ui {

// Asks for a server and credentials and signs the session in. The dialog stays open, with
// everything typed kept, until the sign-in succeeded or the administrator cancels.
class LoginDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoginDialog)

public:
    explicit LoginDialog(session::Session* session, QWidget* parent = nullptr);
    ~LoginDialog() override;

    void setServer(const QString& server);
    void setUsername(const QString& username);
    void setMethod(session::Session::Method method);

    QString server() const;
    QString username() const;
    session::Session::Method method() const;

    // The last failure, shown in the dialog; empty while none.
    QString message() const;
    // Shows why the dialog is back (a session that ended); empty hides it.
    void setMessage(const QString& text) { showMessage(text); }

public Q_SLOTS:
    void accept() override;
    void reject() override;

private:
    void updateForMethod();
    void updateOkButton();
    void setBusy(bool busy);
    void showMessage(const QString& text);
    void onSignedIn();
    void onSignInFailed(const controlplane::ApiError& error);

    std::unique_ptr<Ui::LoginDialog> m_ui;
    session::Session* m_session;
    bool m_busy = false;
};

} // namespace zenml::ui
