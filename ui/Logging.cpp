#include "Logging.h"

Q_LOGGING_CATEGORY(lcUi, "zenml.ui", QtInfoMsg)
