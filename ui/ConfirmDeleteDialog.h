#pragma once

#include "users/User.h"

#include <QDialog>

#include <memory>

namespace Ui {
class ConfirmDeleteDialog;
}

namespace zenml::ui {

// Asks for a deliberate confirmation before accounts are deleted: the administrator types
// the username (one account) or the number of accounts (several). Deleting is not undone.
class ConfirmDeleteDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfirmDeleteDialog)

public:
    explicit ConfirmDeleteDialog(const users::UserList& targets, QWidget* parent = nullptr);
    ~ConfirmDeleteDialog() override;

    // What has to be typed to enable Delete.
    QString expectedConfirmation() const { return m_expected; }

private:
    std::unique_ptr<Ui::ConfirmDeleteDialog> m_ui;
    QString m_expected;
};

} // namespace zenml::ui
