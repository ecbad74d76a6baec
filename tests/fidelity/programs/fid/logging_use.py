import logging

log = logging.getLogger("demo")
log.warning("no configuration: last-resort handler")
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log.info("configured")
log.info("with a stack", stack_info=True)
