from .cli.app import main

if __name__ == "__main__":  # a worker process (io.parallel) imports this module again: it must not run the command
    main()
