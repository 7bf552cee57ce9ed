#pragma once

#include <QLoggingCategory>

namespace zenml::sandbox {

// The sandbox's one logging category; never given a password, a token or an API key.
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

} // namespace zenml::sandbox
