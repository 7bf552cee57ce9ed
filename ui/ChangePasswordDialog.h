#pragma once

#include "controlplane/ApiError.h"

#include <QDialog>

#include <memory>

namespace Ui {
class ChangePasswordDialog;
}
namespace zenml::session {
class Session;
}

namespace zenml::ui {

// Asks for a new password (twice) when the session requires one before anything else, and sets
// it through the session. Stays open, with what was typed, until the server accepted it.
class ChangePasswordDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangePasswordDialog)

public:
    ChangePasswordDialog(
        session::Session* session, const QString& username, QWidget* parent = nullptr);
    ~ChangePasswordDialog() override;

    QString newPassword() const;
    QString message() const;

public Q_SLOTS:
    void accept() override;

private:
    void setBusy(bool busy);
    void showMessage(const QString& text);

    std::unique_ptr<Ui::ChangePasswordDialog> m_ui;
    session::Session* m_session;
    bool m_busy = false;
};

} // namespace zenml::ui
