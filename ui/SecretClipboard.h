#pragma once

#include <QString>

#include <chrono>

namespace zenml::ui {

// Puts a secret on the clipboard, marked so that clipboard managers keep no history of it, and
// clears it after `lifetime` if the clipboard still holds it then. Only a hash of the secret
// is kept for that check.
void copySecretToClipboard(
    const QString& secret, std::chrono::milliseconds lifetime = std::chrono::seconds(30));

} // namespace zenml::ui
