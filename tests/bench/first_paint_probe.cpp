// Loaded by QGuiApplication when QT_QPA_GENERIC_PLUGINS names it ("zenmlfirstpaint"): after
// the first paint of any window it prints "first-paint" on stdout and ends the program at
// once, so that the benchmark can time start-up to the first painted window of any program.

#include <QCoreApplication>
#include <QEvent>
#include <QGenericPlugin>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace {

class FirstPaintWatcher final : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        // A widget's paint event, or a QWindow's expose; the line goes out once the event
        // has been handled, so the paint is done.
        if (!m_seen && (event->type() == QEvent::Paint || event->type() == QEvent::Expose)
            && watched->isWidgetType()) {
            m_seen = true;
            QTimer::singleShot(0, [] {
                std::fputs("first-paint\n", stdout);
                std::fflush(stdout);
                std::_Exit(0);
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    bool m_seen = false;
};

} // namespace

class FirstPaintProbePlugin final : public QGenericPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID QGenericPluginFactoryInterface_iid FILE "first_paint_probe.json")

public:
    QObject* create(const QString& key, const QString& specification) override
    {
        Q_UNUSED(key)
        Q_UNUSED(specification)
        auto* watcher = new FirstPaintWatcher(QCoreApplication::instance());
        QCoreApplication::instance()->installEventFilter(watcher);
        return watcher;
    }
};

#include "first_paint_probe.moc"
