#include "TrustCertificateDialog.h"

#include "ui_TrustCertificateDialog.h"

#include <QLocale>
#include <QPushButton>

namespace zenml::ui {

TrustCertificateDialog::TrustCertificateDialog(
    const controlplane::CertificateInfo& certificate, const QString& profileName, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::TrustCertificateDialog>())
    , m_certificate(certificate)
{
    m_ui->setupUi(this);
    m_ui->introLabel->setText(
        tr("<p><b>%1</b> presented a certificate that this computer does not trust, so the "
           "connection was stopped before anything was sent.</p><p>Trust it only if you know "
           "this server uses a self-signed or internal certificate, and the fingerprint below "
           "matches the one your deployment shows. Otherwise someone may be intercepting the "
           "connection.</p>")
            .arg(certificate.host.toHtmlEscaped()));
    const QLocale locale;
    m_ui->subjectLabel->setText(certificate.subject);
    m_ui->issuerLabel->setText(certificate.issuer);
    m_ui->validityLabel->setText(
        tr("from %1 to %2")
            .arg(locale.toString(certificate.notBefore, QLocale::ShortFormat),
                locale.toString(certificate.notAfter, QLocale::ShortFormat)));
    m_ui->fingerprintLabel->setText(certificate.fingerprintForDisplay());
    m_ui->problemsLabel->setText(certificate.problems.join(QLatin1Char('\n')));

    QPushButton* trust = m_ui->buttonBox->addButton(
        tr("&Trust this certificate for %1").arg(profileName), QDialogButtonBox::AcceptRole);
    trust->setAutoDefault(false);
    QPushButton* cancel = m_ui->buttonBox->button(QDialogButtonBox::Cancel);
    cancel->setText(tr("&Do not trust"));
    cancel->setDefault(true);
    cancel->setFocus();
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

TrustCertificateDialog::~TrustCertificateDialog() = default;

} // namespace zenml::ui
