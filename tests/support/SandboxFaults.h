#pragma once

// A sandbox fault from its written form (the --fault syntax); a test with a mistyped fault
// ends at once instead of testing nothing.

#include "sandbox/SandboxFault.h"

#include <QString>
#include <QtGlobal>

inline zenml::sandbox::SandboxFault fault(const QString& spec)
{
    QString error;
    const auto parsed = zenml::sandbox::parseFault(spec, &error);
    if (!parsed)
        qFatal("%s", qPrintable(error));
    return *parsed;
}
