#include "sandbox/SandboxLog.h"

namespace zenml::sandbox {

Q_LOGGING_CATEGORY(lcSandbox, "zenml.sandbox", QtInfoMsg)

} // namespace zenml::sandbox
