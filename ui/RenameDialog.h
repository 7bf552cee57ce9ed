#pragma once

#include "controlplane/ApiError.h"
#include "users/AccountRules.h"
#include "users/User.h"

#include <QDialog>

#include <memory>

namespace Ui {
class RenameDialog;
}
namespace zenml::controlplane {
class ApiClient;
}

namespace zenml::ui {

// Changes an account's display name. The row is then updated from the server's answer; a
// refusal keeps the dialog open with what was typed.
//
// Known limitation: the contract's PATCH carries only `name`, so the username itself can only
// change where a server applies `name` to the username; the dialog does not offer it separately.
class RenameDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RenameDialog)

public:
    RenameDialog(controlplane::ApiClient* client, const users::AccountRules& rules,
        const users::User& target, QWidget* parent = nullptr);
    ~RenameDialog() override;

    QString message() const;

public Q_SLOTS:
    void accept() override;
    void reject() override;

Q_SIGNALS:
    void renamed(const zenml::users::User& user);
    // The server answered 404: someone else deleted the account meanwhile.
    void vanished(const QString& id, const QString& message);

private:
    void setBusy(bool busy);
    void showMessage(const QString& text);

    std::unique_ptr<Ui::RenameDialog> m_ui;
    controlplane::ApiClient* m_client;
    users::AccountRules m_rules;
    users::User m_target;
    bool m_busy = false;
};

} // namespace zenml::ui
