#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class PasswordRevealDialog;
}

namespace zenml::ui {

// Shows a generated password once, with a Copy button. It cannot be dismissed (Escape, the
// window's close button, Close) until the administrator has confirmed that the password was
// recorded: a password lost here can only be replaced by another reset.
class PasswordRevealDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PasswordRevealDialog)

public:
    PasswordRevealDialog(const QString& username, const QString& password, const QString& intro,
        QWidget* parent = nullptr);
    ~PasswordRevealDialog() override;

    bool isConfirmed() const;

public Q_SLOTS:
    void done(int result) override;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void copy();
    void remindToConfirm();

    std::unique_ptr<Ui::PasswordRevealDialog> m_ui;
    QString m_password;
};

} // namespace zenml::ui
