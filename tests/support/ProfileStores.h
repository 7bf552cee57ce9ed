#pragma once

// The stores a profile test works with: a profile store on a settings file of its own for the
// running test function, and a secret store. The secret store is the last member, so it goes
// first: the keychain's answers go into the profile store.

#include "session/SecretStore.h"
#include "session/ServerProfile.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

struct ProfileStores
{
    explicit ProfileStores(const QTemporaryDir& dir)
        : settings(
            dir.filePath(QStringLiteral("profiles-%1.ini").arg(QTest::currentTestFunction())),
            QSettings::IniFormat)
        , profiles(&settings)
    {
        settings.clear();
    }
    Q_DISABLE_COPY_MOVE(ProfileStores)

    QSettings settings;
    zenml::session::ProfileStore profiles;
    zenml::session::SecretStore secrets;
};
