#include "SecretClipboard.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QMimeData>
#include <QTimer>

namespace zenml::ui {

namespace {

QByteArray digestOf(const QString& text)
{
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace

void copySecretToClipboard(const QString& secret, std::chrono::milliseconds lifetime)
{
    auto* mime = new QMimeData;
    mime->setText(secret);
    // Read by KDE's Klipper and other clipboard managers: do not keep this in the history.
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    QGuiApplication::clipboard()->setMimeData(mime);

    const QByteArray digest = digestOf(secret);
    QTimer::singleShot(lifetime, qApp, [digest] {
        QClipboard* clipboard = QGuiApplication::clipboard();
        if (digestOf(clipboard->text()) == digest)
            clipboard->clear();
    });
}

} // namespace zenml::ui
