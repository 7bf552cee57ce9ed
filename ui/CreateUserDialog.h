#pragma once

#include "controlplane/ApiClient.h"
#include "controlplane/ApiError.h"
#include "users/AccountRules.h"
#include "users/User.h"

#include <QDialog>

#include <memory>

namespace Ui {
class CreateUserDialog;
}
namespace zenml::controlplane {
class ApiClient;
}

namespace zenml::ui {

// Creates one local user. The account rules are asked before anything is sent; a refusal, or
// the server's, is shown in the dialog with everything typed kept. While the request is under
// way the dialog cannot be closed: the answer may carry a password that exists nowhere else.
// When the answer is lost (a timeout, a broken connection) or the name is taken, the server is
// asked whether this dialog's account exists (found by name, opened by the password sent)
// before a retry or a refusal is shown, so that no account is created twice.
class CreateUserDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CreateUserDialog)

public:
    CreateUserDialog(controlplane::ApiClient* client, const users::AccountRules& rules,
        QWidget* parent = nullptr);
    ~CreateUserDialog() override;

    bool isBusy() const { return m_busy; }
    QString message() const;

public Q_SLOTS:
    void accept() override;
    void reject() override;

Q_SIGNALS:
    // The server created `user` (its own answer). `generatedPassword` is empty when the
    // administrator typed the password. `warning` says what did not work out afterwards.
    void userCreated(
        const zenml::users::User& user, const QString& generatedPassword, const QString& warning);

private:
    void send(const controlplane::NewUser& request, const QString& displayName);
    void checkWhetherCreated(const controlplane::NewUser& request, const QString& displayName,
        const controlplane::ApiError& failure);
    void afterCreated(const users::User& created, const QString& displayName, const QString& note);
    void updateForPasswordMode();
    void setBusy(bool busy);
    void showMessage(const QString& text);
    void finish(const users::User& user, const QString& warning);

    std::unique_ptr<Ui::CreateUserDialog> m_ui;
    controlplane::ApiClient* m_client;
    users::AccountRules m_rules;
    // A generated password is kept across attempts: if an attempt's answer was lost, the
    // account may exist with exactly this password.
    QString m_generatedPassword;
    bool m_busy = false;
};

} // namespace zenml::ui
