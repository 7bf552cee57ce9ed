#pragma once

#include "controlplane/TlsTrust.h"

#include <QDialog>

#include <memory>

namespace Ui {
class TrustCertificateDialog;
}

namespace zenml::ui {

// Shows a certificate the connection refused (subject, issuer, validity, SHA-256 fingerprint,
// the problems found) and lets the administrator trust exactly that certificate for one
// server profile. Refusing is the default: Enter and Escape both refuse.
class TrustCertificateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrustCertificateDialog)

public:
    TrustCertificateDialog(const controlplane::CertificateInfo& certificate,
        const QString& profileName, QWidget* parent = nullptr);
    ~TrustCertificateDialog() override;

    const controlplane::CertificateInfo& certificate() const { return m_certificate; }

private:
    std::unique_ptr<Ui::TrustCertificateDialog> m_ui;
    controlplane::CertificateInfo m_certificate;
};

} // namespace zenml::ui
