#include "ChangePasswordDialog.h"

#include "session/Session.h"
#include "ui_ChangePasswordDialog.h"

#include <QPushButton>

namespace zenml::ui {

ChangePasswordDialog::ChangePasswordDialog(
    session::Session* session, const QString& username, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ChangePasswordDialog>())
    , m_session(session)
{
    m_ui->setupUi(this);
    m_ui->introLabel->setText(tr("The password of <b>%1</b> has expired: the control plane asks "
                                 "for a new one before anything else. Choose the password you "
                                 "will use from now on.")
                                  .arg(username.toHtmlEscaped()));
    m_ui->busyBar->setVisible(false);
    m_ui->messageLabel->setVisible(false);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Set password"));
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &ChangePasswordDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_session, &session::Session::signedIn, this, [this] {
        if (!m_busy)
            return;
        setBusy(false);
        QDialog::accept();
    });
    connect(m_session, &session::Session::passwordChangeFailed, this,
        [this](const controlplane::ApiError& error) {
            setBusy(false);
            showMessage(tr("The server did not accept the new password: %1").arg(error.message));
            m_ui->newEdit->setFocus();
            m_ui->newEdit->selectAll();
        });
    m_ui->newEdit->setFocus();
}

ChangePasswordDialog::~ChangePasswordDialog() = default;

QString ChangePasswordDialog::newPassword() const
{
    return m_ui->newEdit->text();
}

QString ChangePasswordDialog::message() const
{
    return m_ui->messageLabel->isVisible() ? m_ui->messageLabel->text() : QString();
}

void ChangePasswordDialog::accept()
{
    if (m_busy)
        return;
    if (newPassword().isEmpty()) {
        showMessage(tr("Type the new password."));
        return;
    }
    if (newPassword() != m_ui->repeatEdit->text()) {
        showMessage(tr("The two passwords differ. Type the same password in both fields."));
        m_ui->repeatEdit->setFocus();
        m_ui->repeatEdit->selectAll();
        return;
    }
    showMessage({});
    setBusy(true);
    m_session->changeExpiredPassword(newPassword());
}

void ChangePasswordDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_ui->busyBar->setVisible(busy);
    m_ui->newEdit->setReadOnly(busy);
    m_ui->repeatEdit->setReadOnly(busy);
    m_ui->buttonBox->setEnabled(!busy);
}

void ChangePasswordDialog::showMessage(const QString& text)
{
    m_ui->messageLabel->setText(text);
    m_ui->messageLabel->setVisible(!text.isEmpty());
}

} // namespace zenml::ui
